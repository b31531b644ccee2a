"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { Notice } from "@/components/ui/notice";
import { ActionError, useActionRunner } from "@/components/ui/use-action-runner";
import { DataTable, TableBody, TableHead, Td, Th, Tr } from "@/components/ui/data-table";
import { CopyOnce } from "@/components/settings/copy-once";
import { API_KEY_SCOPE_LABELS, API_KEY_SCOPES, type ApiKeyScope } from "@/lib/api-keys/scopes";
import type { ApiKeyView } from "@/lib/api-keys/api-keys";
import { createApiKeyAction } from "@/lib/actions/api-keys/create-api-key";
import { revokeApiKeyAction } from "@/lib/actions/api-keys/revoke-api-key";

export function CreateApiKeyForm() {
  const router = useRouter();
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<ApiKeyScope[]>(["accounts:read"]);
  const [expiry, setExpiry] = useState("90");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [created, setCreated] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <form
      className="space-y-4"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        startTransition(async () => {
          const answer = await createApiKeyAction({ name, scopes, expiresInDays: expiry === "never" ? null : Number(expiry) });
          if (answer.ok) {
            setErrors({});
            setMessage(null);
            setName("");
            setCreated(answer.data.key);
            router.refresh();
          } else {
            setErrors(answer.fieldErrors ?? {});
            setMessage(answer.error);
          }
        });
      }}
    >
      <Field id="api-key-name" label="Key name" error={errors.name}>
        <Input id="api-key-name" value={name} onChange={(event) => setName(event.target.value)} invalid={Boolean(errors.name)} placeholder="Order sync" />
      </Field>
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-gray-800">Scopes</legend>
        {API_KEY_SCOPES.map((scope) => (
          <label key={scope} className="flex items-center gap-2 text-sm">
            <input
              type="checkbox"
              checked={scopes.includes(scope)}
              onChange={(event) => setScopes(event.target.checked ? [...scopes, scope] : scopes.filter((candidate) => candidate !== scope))}
            />
            <span>
              <code>{scope}</code> · {API_KEY_SCOPE_LABELS[scope]}
            </span>
          </label>
        ))}
        {errors.scopes ? <p className="text-sm text-red-700">{errors.scopes}</p> : null}
      </fieldset>
      <Field id="api-key-expiry" label="Expires">
        <Select id="api-key-expiry" value={expiry} onChange={(event) => setExpiry(event.target.value)}>
          <option value="30">In 30 days</option>
          <option value="90">In 90 days</option>
          <option value="365">In a year</option>
          <option value="never">Never</option>
        </Select>
      </Field>
      {message ? <Notice tone="error">{message}</Notice> : null}
      <Button type="submit" variant="primary" loading={pending} loadingLabel="Creating key…">
        Create API key
      </Button>
      {created ? <CopyOnce label="API key" copyLabel="Copy API key" value={created} note="Copy this key now: it is shown only once and stored only as a hash." /> : null}
    </form>
  );
}

export function ApiKeysTable({ keys }: { keys: ApiKeyView[] }) {
  if (keys.length === 0) return <p className="px-4 pb-4 text-sm text-gray-600">No API keys yet.</p>;
  return (
    <DataTable caption="API keys">
      <TableHead>
        <Tr>
          <Th>Name</Th>
          <Th>Prefix</Th>
          <Th>Scopes</Th>
          <Th>Expires</Th>
          <Th>Last used</Th>
          <Th align="right">Status</Th>
        </Tr>
      </TableHead>
      <TableBody>
        {keys.map((key) => (
          <ApiKeyRow key={key.id} apiKey={key} />
        ))}
      </TableBody>
    </DataTable>
  );
}

function ApiKeyRow({ apiKey }: { apiKey: ApiKeyView }) {
  const router = useRouter();
  const { pending, error, run } = useActionRunner();
  return (
    <Tr data-api-key-prefix={apiKey.prefix} data-api-key-id={apiKey.id}>
      <Td>{apiKey.name}</Td>
      <Td>
        <code>{apiKey.prefix}…</code>
      </Td>
      <Td>{apiKey.scopes.join(", ")}</Td>
      <Td>{apiKey.expiresAt ? new Date(apiKey.expiresAt).toUTCString() : "Never"}</Td>
      <Td>{apiKey.lastUsedAt ? new Date(apiKey.lastUsedAt).toUTCString() : "Never used"}</Td>
      <Td align="right">
        {apiKey.revokedAt ? (
          "Revoked"
        ) : (
          <Button
            size="sm"
            variant="danger"
            loading={pending}
            loadingLabel="Revoking…"
            onClick={() =>
              run(async () => {
                const result = await revokeApiKeyAction({ apiKeyId: apiKey.id });
                if (result.ok) router.refresh();
                return result;
              })
            }
          >
            Revoke {apiKey.name}
          </Button>
        )}
        <ActionError error={error} />
      </Td>
    </Tr>
  );
}
