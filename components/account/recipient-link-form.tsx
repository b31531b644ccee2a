"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardBody } from "@/components/ui/card";
import { Notice } from "@/components/ui/notice";
import { confirmAlertRecipientAction } from "@/lib/actions/alerts/confirm-recipient";
import { unsubscribeAlertRecipientAction } from "@/lib/actions/alerts/unsubscribe-recipient";

type Props = { kind: "confirm" | "unsubscribe"; token: string };

/**
 * The page an alert mail's link opens. Opening it changes nothing (mail scanners open links); the button does.
 */
export function RecipientLinkForm({ kind, token }: Props) {
  const [pending, setPending] = useState(false);
  const [done, setDone] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();

  async function onClick() {
    setPending(true);
    setError(undefined);
    const action = kind === "confirm" ? confirmAlertRecipientAction : unsubscribeAlertRecipientAction;
    const result = await action({ token });
    setPending(false);
    if (!result.ok) return setError(result.error);
    const { email, workspaceName } = result.data;
    setDone(
      kind === "confirm"
        ? `${email} now receives the alerts of the "${workspaceName}" workspace. Every email has a link to stop them.`
        : `${email} receives no more email from the "${workspaceName}" workspace.`,
    );
  }

  return (
    <Card>
      <CardBody className="space-y-4 px-6 py-6">
        <h1 className="text-xl font-semibold tracking-tight text-gray-900">
          {kind === "confirm" ? "Confirm alert emails" : "Unsubscribe from alert emails"}
        </h1>
        {done ? <Notice tone="success">{done}</Notice> : null}
        {error ? <Notice tone="error">{error}</Notice> : null}
        {!done ? (
          <>
            <p className="text-sm text-gray-600">
              {kind === "confirm"
                ? "ChannelKeys emails a workspace's alerts (eBay accounts that need re-authorization, tokens about to expire) only to addresses that confirmed."
                : "Stop every alert email of this workspace to your address. Its owners can add you again only if you confirm again."}
            </p>
            <Button variant={kind === "confirm" ? "primary" : "danger"} className="w-full" onClick={onClick} loading={pending}>
              {kind === "confirm" ? "Confirm: send me these alerts" : "Unsubscribe"}
            </Button>
          </>
        ) : null}
      </CardBody>
    </Card>
  );
}
