"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Notice } from "@/components/ui/notice";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { ActionError, useActionRunner } from "@/components/ui/use-action-runner";
import { DataTable, TableBody, TableHead, Td, Th, Tr } from "@/components/ui/data-table";
import { CopyOnce } from "@/components/settings/copy-once";
import { WEBHOOK_EVENT_LABELS, WEBHOOK_EVENT_TYPES, type WebhookEventType } from "@/lib/webhooks/events";
import type { WebhookEndpointView } from "@/lib/webhooks/endpoints";
import { createWebhookEndpointAction } from "@/lib/actions/webhooks/create-webhook-endpoint";
import { updateWebhookEndpointAction } from "@/lib/actions/webhooks/update-webhook-endpoint";
import { deleteWebhookEndpointAction } from "@/lib/actions/webhooks/delete-webhook-endpoint";
import { redeliverWebhookAction } from "@/lib/actions/webhooks/redeliver-webhook";

export function CreateWebhookEndpointForm() {
  const router = useRouter();
  const [url, setUrl] = useState("");
  const [description, setDescription] = useState("");
  const [events, setEvents] = useState<WebhookEventType[]>([...WEBHOOK_EVENT_TYPES]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <form
      className="space-y-4"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        startTransition(async () => {
          const answer = await createWebhookEndpointAction({ url, description, events });
          if (answer.ok) {
            setErrors({});
            setMessage(null);
            setUrl("");
            setDescription("");
            setSecret(answer.data.signingSecret);
            router.refresh();
          } else {
            setErrors(answer.fieldErrors ?? {});
            setMessage(answer.error);
          }
        });
      }}
    >
      <Field id="webhook-url" label="Endpoint URL" error={errors.url} hint="https:// on the public internet. Deliveries are signed the Standard Webhooks way (webhook-id, webhook-timestamp, webhook-signature).">
        <Input id="webhook-url" type="url" value={url} onChange={(event) => setUrl(event.target.value)} invalid={Boolean(errors.url)} placeholder="https://example.com/hooks/channelkeys" />
      </Field>
      <Field id="webhook-description" label="Description" optional>
        <Input id="webhook-description" value={description} onChange={(event) => setDescription(event.target.value)} />
      </Field>
      <EventCheckboxes legend="Events" selected={events} onChange={setEvents} />
      {errors.events ? <p className="text-sm text-red-700">{errors.events}</p> : null}
      {message ? <Notice tone="error">{message}</Notice> : null}
      <Button type="submit" variant="primary" loading={pending} loadingLabel="Adding endpoint…">
        Add endpoint
      </Button>
      {secret ? <CopyOnce label="Signing secret" copyLabel="Copy signing secret" value={secret} note="Copy the signing secret now: it is not shown again. Verify deliveries with it (any Standard Webhooks library)." /> : null}
    </form>
  );
}

function EventCheckboxes({ legend, selected, onChange }: { legend: string; selected: WebhookEventType[]; onChange: (events: WebhookEventType[]) => void }) {
  return (
    <fieldset className="space-y-1">
      <legend className="text-sm font-medium text-gray-800">{legend}</legend>
      {WEBHOOK_EVENT_TYPES.map((type) => (
        <label key={type} className="flex items-center gap-2 text-sm">
          <input type="checkbox" checked={selected.includes(type)} onChange={(event) => onChange(event.target.checked ? [...selected, type] : selected.filter((candidate) => candidate !== type))} />
          <span>
            <code>{type}</code> · {WEBHOOK_EVENT_LABELS[type]}
          </span>
        </label>
      ))}
    </fieldset>
  );
}

export function WebhookEndpointCard({ endpoint }: { endpoint: WebhookEndpointView }) {
  const router = useRouter();
  const { pending, error, run } = useActionRunner();
  return (
    <Card data-webhook-endpoint={endpoint.url} data-endpoint-id={endpoint.id}>
      <CardHeader
        title={endpoint.url}
        description={`${endpoint.description ? `${endpoint.description} · ` : ""}${endpoint.enabled ? "Enabled" : "Disabled"} · ${endpoint.events.join(", ")}${endpoint.format === "legacy_warning" ? " · also signed with X-ChannelKeys-Signature (moved from the alert settings)" : ""}`}
        actions={
          <div className="flex gap-2">
            <Button
              size="sm"
              loading={pending}
              onClick={() =>
                run(async () => {
                  const result = await updateWebhookEndpointAction({ endpointId: endpoint.id, enabled: !endpoint.enabled });
                  if (result.ok) router.refresh();
                  return result;
                })
              }
            >
              {endpoint.enabled ? `Disable ${endpoint.url}` : `Enable ${endpoint.url}`}
            </Button>
            <Button
              size="sm"
              variant="danger"
              loading={pending}
              onClick={() =>
                run(async () => {
                  const result = await deleteWebhookEndpointAction({ endpointId: endpoint.id });
                  if (result.ok) router.refresh();
                  return result;
                })
              }
            >
              Delete {endpoint.url}
            </Button>
          </div>
        }
      />
      <CardBody className="space-y-4">
        <ActionError error={error} />
        <EndpointEventsForm endpoint={endpoint} />
        {endpoint.deliveries.length === 0 ? (
          <p className="text-sm text-gray-600">No deliveries yet.</p>
        ) : (
          <DataTable caption={`Deliveries to ${endpoint.url}`}>
            <TableHead>
              <Tr>
                <Th>Event</Th>
                <Th>Message id</Th>
                <Th>Status</Th>
                <Th>Response</Th>
                <Th>Attempts</Th>
                <Th>Last attempt</Th>
                <Th align="right">Actions</Th>
              </Tr>
            </TableHead>
            <TableBody>
              {endpoint.deliveries.map((delivery) => (
                <DeliveryRow key={delivery.id} delivery={delivery} />
              ))}
            </TableBody>
          </DataTable>
        )}
      </CardBody>
    </Card>
  );
}

function EndpointEventsForm({ endpoint }: { endpoint: WebhookEndpointView }) {
  const router = useRouter();
  const [events, setEvents] = useState<WebhookEventType[]>(endpoint.events as WebhookEventType[]);
  const { pending, error, run } = useActionRunner();
  return (
    <details>
      <summary className="cursor-pointer text-sm font-medium text-gray-800">Events of {endpoint.url}</summary>
      <form
        className="mt-2 space-y-2"
        onSubmit={(event) => {
          event.preventDefault();
          run(async () => {
            const result = await updateWebhookEndpointAction({ endpointId: endpoint.id, events });
            if (result.ok) router.refresh();
            return result;
          });
        }}
      >
        <EventCheckboxes legend={`Events sent to ${endpoint.url}`} selected={events} onChange={setEvents} />
        <Button type="submit" size="sm" loading={pending} loadingLabel="Saving events…">
          Save events
        </Button>
        <ActionError error={error} />
      </form>
    </details>
  );
}

function DeliveryRow({ delivery }: { delivery: WebhookEndpointView["deliveries"][number] }) {
  const router = useRouter();
  const { pending, error, run } = useActionRunner();
  return (
    <Tr data-delivery-id={delivery.id}>
      <Td>
        <code>{delivery.eventType}</code>
      </Td>
      <Td>
        <code className="text-xs">{delivery.messageId}</code>
      </Td>
      <Td>{delivery.status === "succeeded" ? "Delivered" : delivery.status === "failed" ? "Failed" : "Pending"}</Td>
      <Td>{delivery.lastStatusCode !== null ? `HTTP ${delivery.lastStatusCode}` : (delivery.lastError ?? "—")}</Td>
      <Td>{delivery.attempts}</Td>
      <Td>{delivery.lastAttemptAt ? new Date(delivery.lastAttemptAt).toUTCString() : "—"}</Td>
      <Td align="right">
        <Button
          size="sm"
          loading={pending}
          loadingLabel="Queuing…"
          onClick={() =>
            run(async () => {
              const result = await redeliverWebhookAction({ deliveryId: delivery.id });
              if (result.ok) router.refresh();
              return result;
            })
          }
        >
          Redeliver {delivery.eventType}
        </Button>
        <ActionError error={error} />
      </Td>
    </Tr>
  );
}
