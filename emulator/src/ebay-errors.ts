// The exact error bodies eBay returns (../shared/ebay-reference.md). Kept in one place so tests can compare against
// the reference strings and the routes cannot drift apart.

export interface RestError {
  errorId: number;
  domain: string;
  category: string;
  message: string;
  longMessage?: string;
}

export const REST_INVALID_ACCESS_TOKEN: RestError = {
  errorId: 1001,
  domain: "OAuth",
  category: "REQUEST",
  message: "Invalid access token",
  longMessage: "Invalid access token. Check the value of the Authorization HTTP request header.",
};

export const REST_ACCESS_DENIED: RestError = {
  errorId: 1100,
  domain: "ACCESS",
  category: "REQUEST",
  message: "Access denied",
  longMessage: "Insufficient permissions to fulfill the request.",
};

export const REST_TOO_MANY_REQUESTS: RestError = {
  errorId: 2001,
  domain: "ACCESS",
  category: "REQUEST",
  message: "Too many requests.",
  longMessage: "The request limit has been reached for the resource.",
};

// [UNCONFIRMED] bodies below: eBay's generic API-gateway errors, used for routing and fault answers.
export const REST_RESOURCE_NOT_FOUND: RestError = {
  errorId: 2002,
  domain: "ACCESS",
  category: "REQUEST",
  message: "Resource not found",
  longMessage: "The requested resource does not exist.",
};

export const REST_METHOD_NOT_ALLOWED: RestError = {
  errorId: 2003,
  domain: "ACCESS",
  category: "REQUEST",
  message: "Method not allowed",
  longMessage: "The HTTP method is not supported for this resource.",
};

export const REST_REQUEST_TOO_LARGE: RestError = {
  errorId: 2004,
  domain: "ACCESS",
  category: "REQUEST",
  message: "Request entity too large",
  longMessage: "The request body exceeds the maximum allowed size.",
};

export const REST_INTERNAL_ERROR: RestError = {
  errorId: 10001,
  domain: "API_EBAY",
  category: "APPLICATION",
  message: "System error",
  longMessage: "There was a problem with an eBay internal system or process. Contact eBay developer support for assistance.",
};

export const REST_SERVICE_UNAVAILABLE: RestError = {
  errorId: 2002,
  domain: "ACCESS",
  category: "APPLICATION",
  message: "Service Unavailable",
  longMessage: "The service is temporarily unavailable. Try again later.",
};

export const REST_PUBLIC_KEY_NOT_FOUND: RestError = {
  errorId: 195005,
  domain: "API_NOTIFICATION",
  category: "REQUEST",
  message: "The public key id is invalid or does not exist.",
};

export function restErrors(...errors: RestError[]): { errors: RestError[] } {
  return { errors };
}

/** Errors for a status chosen by a fault: 429 gets the real quota body, everything else a generic one. */
export function restErrorForStatus(status: number): { errors: RestError[] } {
  if (status === 429) return restErrors(REST_TOO_MANY_REQUESTS);
  if (status === 401) return restErrors(REST_INVALID_ACCESS_TOKEN);
  if (status === 403) return restErrors(REST_ACCESS_DENIED);
  if (status === 404) return restErrors(REST_RESOURCE_NOT_FOUND);
  if (status === 503 || status === 502 || status === 504) return restErrors(REST_SERVICE_UNAVAILABLE);
  return restErrors(REST_INTERNAL_ERROR);
}

// ---- OAuth endpoints ({error, error_description}) ----

export interface OAuthError {
  error: string;
  error_description: string;
}

export const OAUTH_INVALID_GRANT_REFRESH: OAuthError = {
  error: "invalid_grant",
  error_description: "the provided authorization refresh token is invalid or was issued to another client",
};

export const OAUTH_INVALID_GRANT_CODE: OAuthError = {
  error: "invalid_grant",
  error_description: "the provided authorization grant code is invalid or was issued to another client",
};

export const OAUTH_INVALID_SCOPE: OAuthError = {
  error: "invalid_scope",
  error_description: "The requested scope is invalid, unknown, malformed, or exceeds the scope granted to the client",
};

export const OAUTH_INVALID_CLIENT: OAuthError = { error: "invalid_client", error_description: "client authentication failed" };

export const OAUTH_UNSUPPORTED_GRANT_TYPE: OAuthError = {
  error: "unsupported_grant_type",
  error_description: "grant type in request is not supported by the authorization server",
};

export const OAUTH_INVALID_REQUEST: OAuthError = {
  error: "invalid_request",
  error_description: "request is missing a required parameter or malformed",
};

/** The authorize endpoint's body for malformed requests (note error_id, not error). */
export const AUTHORIZE_INVALID_REQUEST = {
  error_id: "invalid_request",
  error_description: "Input request parameters are invalid.",
  http_status_code: 400,
};

// ---- Trading API (XML, HTTP 200, Ack Failure) ----

export interface TradingError {
  code: number;
  shortMessage: string;
  longMessage: string;
  classification?: "RequestError" | "SystemError";
}

export const TRADING_ERRORS = {
  unsupportedCall: (callName: string): TradingError => ({
    code: 2,
    shortMessage: "Unsupported API call.",
    longMessage: `The API call "${callName}" is invalid or not supported in this release.`,
  }),
  xmlParse: (detail: string): TradingError => ({
    code: 5,
    shortMessage: "XML Parse error.",
    longMessage: `XML Error Text: "${detail}".`,
  }),
  noCredentials: { code: 930, shortMessage: "No Password and no token.", longMessage: "No Password and no token." },
  authTokenInvalid: {
    code: 931,
    shortMessage: "Auth token is invalid.",
    longMessage: "Validation of the authentication token in API request failed.",
  },
  authTokenHardExpired: {
    code: 932,
    shortMessage: "Auth token is hard expired.",
    longMessage: "Auth token is hard expired, User needs to generate a new token for this application.",
  },
  iafTokenInvalid: { code: 21916984, shortMessage: "Invalid IAF token.", longMessage: "IAF token supplied is invalid. " },
  iafTokenExpired: { code: 21917053, shortMessage: "Expired IAF token.", longMessage: "IAF token supplied is expired. " },
  usageLimit: {
    code: 518,
    shortMessage: "Call usage limit has been reached.",
    longMessage: "Your application has exceeded usage limit on this call.",
  },
  // [UNCONFIRMED] codes below: chosen for the emulator, documented in emulator/README.md.
  invalidApplication: {
    code: 21916013,
    shortMessage: "Invalid application.",
    longMessage: "The application credentials (App ID, Dev ID, Cert ID) in the request headers are invalid.",
  },
  invalidRuName: { code: 21916016, shortMessage: "Invalid RuName.", longMessage: "The RuName supplied is invalid or not registered for this application." },
  sessionNotSignedIn: {
    code: 21916017,
    shortMessage: "The end user has not completed Auth & Auth sign in flow.",
    longMessage: "The end user has not completed Auth & Auth sign in flow.",
  },
  invalidSession: { code: 21916018, shortMessage: "Invalid session ID.", longMessage: "The SessionID is invalid or has expired." },
  requestTooLarge: { code: 10019, shortMessage: "Request too large.", longMessage: "The request body exceeds the maximum allowed size." },
} satisfies Record<string, TradingError | ((arg: string) => TradingError)>;
