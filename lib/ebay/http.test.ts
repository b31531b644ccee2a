import { describe, expect, it } from "vitest";
import { parseRetryAfter, restFailure } from "@/lib/ebay/http";

describe("parseRetryAfter", () => {
  const now = Date.parse("2027-03-01T12:00:00Z");
  it("reads delta-seconds and HTTP dates, ignores the rest", () => {
    expect(parseRetryAfter("42", now)).toBe(42);
    expect(parseRetryAfter(" 0 ", now)).toBe(0);
    expect(parseRetryAfter("Mon, 01 Mar 2027 12:01:30 GMT", now)).toBe(90);
    expect(parseRetryAfter("Mon, 01 Mar 2027 11:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});

describe("restFailure", () => {
  const response = (status: number, text: string, retryAfterSeconds?: number) => ({
    status,
    headers: new Headers(),
    text,
    ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
  });

  it("reads eBay's errors[] body", () => {
    const error = restFailure(
      response(
        401,
        '{"errors":[{"errorId":1001,"domain":"OAuth","category":"REQUEST","message":"Invalid access token","longMessage":"Invalid access token. Check the value of the Authorization HTTP request header."}]}',
      ),
      "identity.getUser",
    );
    expect(error).toMatchObject({ kind: "rest", httpStatus: 401, errorId: 1001 });
    expect(error.restErrors[0]?.longMessage).toContain("Authorization HTTP request header");
  });

  it("keeps Retry-After and falls back to kind http for bodies that are not eBay's", () => {
    expect(restFailure(response(429, '{"errors":[{"errorId":2001,"message":"Too many requests."}]}', 30), "identity.getUser")).toMatchObject({
      kind: "rest",
      errorId: 2001,
      retryAfterSeconds: 30,
    });
    expect(restFailure(response(502, "<html>Bad Gateway</html>"), "identity.getUser")).toMatchObject({ kind: "http", httpStatus: 502 });
  });
});
