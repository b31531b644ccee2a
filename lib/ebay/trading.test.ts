import { describe, expect, it } from "vitest";
import { EbayApiError } from "@/lib/ebay/errors";
import { parseGetTokenStatusResponse } from "@/lib/ebay/trading";

function envelope(inner: string, ack = "Success"): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<GetTokenStatusResponse xmlns="urn:ebay:apis:eBLBaseComponents">
  <Timestamp>2027-03-01T12:00:00.000Z</Timestamp>
  <Ack>${ack}</Ack>
  ${inner}
  <Version>1349</Version>
  <Build>E1349_CORE_APISIGNIN_19146596_R1</Build>
</GetTokenStatusResponse>`;
}

function failure(text: string): EbayApiError {
  try {
    parseGetTokenStatusResponse(text);
  } catch (error) {
    expect(error).toBeInstanceOf(EbayApiError);
    return error as EbayApiError;
  }
  throw new Error("expected a failure");
}

describe("parseGetTokenStatusResponse", () => {
  it("reads Status, ExpirationTime and RevocationTime", () => {
    const status = parseGetTokenStatusResponse(
      envelope(`<TokenStatus>
        <Status>RevokedByeBay</Status>
        <EIASToken>nY+sHZ2PrBmdj6wVnY+sEZ2PrA2dj6wJnY+sEZ2PrA2dj6AFlIWnCpSEpQydj6x9nY+seQ==</EIASToken>
        <ExpirationTime>2027-03-01T14:00:00.000Z</ExpirationTime>
        <RevocationTime>2027-03-01T11:30:00.000Z</RevocationTime>
      </TokenStatus>`),
    );
    expect(status).toEqual({
      status: "RevokedByeBay",
      eiasToken: "nY+sHZ2PrBmdj6wVnY+sEZ2PrA2dj6wJnY+sEZ2PrA2dj6AFlIWnCpSEpQydj6x9nY+seQ==",
      expirationTime: new Date("2027-03-01T14:00:00.000Z"),
      revocationTime: new Date("2027-03-01T11:30:00.000Z"),
    });
  });

  it("reads HardExpirationWarning's zone-less GMT format as GMT", () => {
    const status = parseGetTokenStatusResponse(
      envelope("<HardExpirationWarning>2027-03-05 09:15:00</HardExpirationWarning><TokenStatus><Status>Active</Status></TokenStatus>"),
    );
    expect(status.hardExpirationWarning).toEqual(new Date("2027-03-05T09:15:00Z"));
  });

  it("maps a status it does not know to CustomCode", () => {
    expect(parseGetTokenStatusResponse(envelope("<TokenStatus><Status>SuspendedBySomething</Status></TokenStatus>")).status).toBe("CustomCode");
  });

  it("accepts Ack Warning with its warnings", () => {
    const xml = envelope(
      `<Errors><ShortMessage>Heads up</ShortMessage><ErrorCode>21917062</ErrorCode><SeverityCode>Warning</SeverityCode></Errors>
       <TokenStatus><Status>Active</Status></TokenStatus>`,
      "Warning",
    );
    expect(parseGetTokenStatusResponse(xml).status).toBe("Active");
  });

  it("turns Ack Failure into a trading error with every error code, warnings left out", () => {
    const error = failure(
      envelope(
        `<Errors><ShortMessage>Auth token is hard expired.</ShortMessage><LongMessage>Auth token is hard expired, User needs to generate a new token for this application.</LongMessage><ErrorCode>932</ErrorCode><SeverityCode>Error</SeverityCode><ErrorClassification>RequestError</ErrorClassification></Errors>
         <Errors><ShortMessage>Invalid IAF token.</ShortMessage><ErrorCode>21916984</ErrorCode><SeverityCode>Error</SeverityCode></Errors>
         <Errors><ShortMessage>Note</ShortMessage><ErrorCode>1</ErrorCode><SeverityCode>Warning</SeverityCode></Errors>`,
        "Failure",
      ),
    );
    expect(error.kind).toBe("trading");
    expect(error.tradingErrorCodes).toEqual([932, 21916984]);
    expect(error.tradingErrors[0]).toMatchObject({ shortMessage: "Auth token is hard expired.", classification: "RequestError" });
    expect(error.message).toContain("932 (Auth token is hard expired.)");
  });

  it("reads a single <Errors> element as a list of one", () => {
    const error = failure(envelope("<Errors><ShortMessage>You have exceeded your maximum call limit</ShortMessage><ErrorCode>21919144</ErrorCode><SeverityCode>Error</SeverityCode></Errors>", "Failure"));
    expect(error.tradingErrorCodes).toEqual([21919144]);
  });

  it("calls anything unreadable malformed", () => {
    expect(failure("<html><body>502 Bad Gateway</body></html>").kind).toBe("malformed");
    expect(failure('<?xml version="1.0"?><GetTokenStatusResponse xmlns="urn:ebay:apis:eBLBaseCompo').kind).toBe("malformed");
    expect(failure('{"errors":[]}').kind).toBe("malformed");
    expect(failure(envelope("<TokenStatus></TokenStatus>")).kind).toBe("malformed");
    expect(failure(envelope("", "")).kind).toBe("malformed");
  });
});
