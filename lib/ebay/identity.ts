// Commerce Identity getUser: who the token belongs to. Accounts are keyed on userId (immutable);
// username is mutable and, since 2025-09-26, sometimes withheld for US users.
import { getEbayConfig, type EbayConfig } from "@/lib/ebay/config";
import { malformed, readRestJson, sendEbayRequest } from "@/lib/ebay/http";

export type EbayAccountType = "BUSINESS" | "INDIVIDUAL";

export type EbayUser = {
  userId: string;
  username?: string;
  accountType?: EbayAccountType | string;
  registrationMarketplaceId?: string;
  /** CONFIRMED | UNCONFIRMED | ACCOUNTONHOLD | UNDETERMINED */
  status?: string;
};

export async function getEbayUser(accessToken: string, config: EbayConfig = getEbayConfig()): Promise<EbayUser> {
  const operation = "identity.getUser";
  const response = await sendEbayRequest({
    operation,
    method: "GET",
    url: `${config.apizBaseUrl}/commerce/identity/v1/user/`,
    headers: { Authorization: `Bearer ${accessToken}`, Accept: "application/json" },
    timeoutMs: config.timeoutMs,
  });
  const body = readRestJson(response, operation) as Record<string, unknown>;
  const userId = body.userId;
  if (typeof userId !== "string" || userId === "") {
    throw malformed(operation, response.status, "the answer has no userId");
  }
  const user: EbayUser = { userId };
  if (typeof body.username === "string" && body.username !== "") user.username = body.username;
  if (typeof body.accountType === "string") user.accountType = body.accountType;
  if (typeof body.registrationMarketplaceId === "string") user.registrationMarketplaceId = body.registrationMarketplaceId;
  if (typeof body.status === "string") user.status = body.status;
  return user;
}
