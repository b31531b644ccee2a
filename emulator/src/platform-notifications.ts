// Legacy Platform Notifications (Trading API era): SOAP 1.1 messages whose body is the response of the call that
// "displays" the event, here TokenRevocation = a GetTokenStatusResponse. eBay authenticates them with a
// NotificationSignature in the SOAP header: base64(MD5(Timestamp + DevId + AppId + CertId)), where Timestamp is the
// body's <Timestamp> text. The receiver recomputes it from its own keys; it signs the time, not the body.
import { createHash } from "node:crypto";
import type { AppConfig } from "./config";
import { TRADING_BUILD, TRADING_VERSION, XMLNS, escapeXml } from "./trading";

/** SOAP 1.1 wants the SOAPAction value quoted; eBay's ends with the event name. [UNCONFIRMED] scheme and case. */
export const TOKEN_REVOCATION_SOAP_ACTION = '"https://developer.ebay.com/notification/TokenRevocation"';
export const PLATFORM_NOTIFICATION_CONTENT_TYPE = 'text/xml; charset="utf-8"';

export function notificationSignature(timestamp: string, keys: Pick<AppConfig, "devId" | "clientId" | "clientSecret">): string {
  return createHash("md5").update(timestamp + keys.devId + keys.clientId + keys.clientSecret).digest("base64");
}

export type TokenRevocationStatus = "RevokedByApp" | "RevokedByeBay" | "RevokedByUser";

export interface TokenRevocationMessage {
  timestamp: string;
  signature: string;
  correlationId: string;
  /** The seller's username: eBay's RecipientUserID is the user the event is about. */
  recipientUserId: string;
  status: TokenRevocationStatus;
  eiasToken: string;
  expirationTime: string;
  revocationTime: string;
}

/** The envelope of eBay's sample TokenRevocation notification, element for element. */
export function tokenRevocationEnvelope(message: TokenRevocationMessage): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n` +
    ` <soapenv:Header>\n` +
    `  <ebl:RequesterCredentials soapenv:mustUnderstand="0" xmlns:ns="${XMLNS}" xmlns:ebl="${XMLNS}">\n` +
    `   <ebl:NotificationSignature xmlns:ebl="${XMLNS}">${escapeXml(message.signature)}</ebl:NotificationSignature>\n` +
    `  </ebl:RequesterCredentials>\n` +
    ` </soapenv:Header>\n` +
    ` <soapenv:Body>\n` +
    `  <GetTokenStatusResponse xmlns="${XMLNS}">\n` +
    `   <Timestamp>${escapeXml(message.timestamp)}</Timestamp>\n` +
    `   <Ack>Success</Ack>\n` +
    `   <CorrelationID>${escapeXml(message.correlationId)}</CorrelationID>\n` +
    `   <Version>${TRADING_VERSION}</Version>\n` +
    `   <Build>${TRADING_BUILD}</Build>\n` +
    `   <NotificationEventName>TokenRevocation</NotificationEventName>\n` +
    `   <RecipientUserID>${escapeXml(message.recipientUserId)}</RecipientUserID>\n` +
    `   <TokenStatus>\n` +
    `    <Status>${message.status}</Status>\n` +
    `    <EIASToken>${escapeXml(message.eiasToken)}</EIASToken>\n` +
    `    <ExpirationTime>${escapeXml(message.expirationTime)}</ExpirationTime>\n` +
    `    <RevocationTime>${escapeXml(message.revocationTime)}</RevocationTime>\n` +
    `   </TokenStatus>\n` +
    `  </GetTokenStatusResponse>\n` +
    ` </soapenv:Body>\n` +
    `</soapenv:Envelope>`
  );
}
