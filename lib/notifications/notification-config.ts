// Where eBay's Notification API reaches this app, and the token eBay proves it knows: both are entered in the eBay
// developer portal (Alerts & Notifications) and must match these exactly, since the challenge response hashes them.

export type NotificationEndpointConfig = { verificationToken: string; endpointUrl: string };

/** Names the variable, never its value. */
export class NotificationConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NotificationConfigError";
  }
}

/**
 * EBAY_NOTIFICATION_VERIFICATION_TOKEN and EBAY_NOTIFICATION_ENDPOINT_URL, or null when neither is set (the endpoint
 * is then switched off and answers 404). One without the other, or a token eBay would not accept, is a mistake.
 */
export function notificationEndpointConfig(env: Record<string, string | undefined> = process.env): NotificationEndpointConfig | null {
  const verificationToken = env.EBAY_NOTIFICATION_VERIFICATION_TOKEN?.trim() ?? "";
  const endpointUrl = env.EBAY_NOTIFICATION_ENDPOINT_URL?.trim() ?? "";
  if (!verificationToken && !endpointUrl) return null;
  if (!verificationToken || !endpointUrl) {
    throw new NotificationConfigError("EBAY_NOTIFICATION_VERIFICATION_TOKEN and EBAY_NOTIFICATION_ENDPOINT_URL must be set together");
  }
  // eBay's rule for the verification token: 32 to 80 characters, letters, digits, underscore and hyphen.
  if (!/^[A-Za-z0-9_-]{32,80}$/.test(verificationToken)) {
    throw new NotificationConfigError("EBAY_NOTIFICATION_VERIFICATION_TOKEN must be 32 to 80 letters, digits, '_' or '-' (eBay's rule)");
  }
  let url: URL;
  try {
    url = new URL(endpointUrl);
  } catch {
    throw new NotificationConfigError("EBAY_NOTIFICATION_ENDPOINT_URL must be an absolute http(s) URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new NotificationConfigError("EBAY_NOTIFICATION_ENDPOINT_URL must be an absolute http(s) URL");
  }
  return { verificationToken, endpointUrl };
}
