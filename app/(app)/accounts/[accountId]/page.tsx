import { getEbayConfig } from "@/lib/ebay/config";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { db } from "@/lib/db";
import { now } from "@/lib/clock";
import { can } from "@/lib/auth/roles";
import { requireWorkspace } from "@/lib/auth/session";
import { ACCOUNT_VIEW_SELECT, environmentLabel, toAccountView } from "@/lib/accounts/account-view";
import { describeNotice } from "@/lib/accounts/notices";
import { formatTimestamp } from "@/lib/format/relative-time";
import { auditActionLabel, parseAuditChanges } from "@/lib/audit/labels";
import { PageHeader } from "@/components/ui/page-header";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Badge } from "@/components/ui/badge";
import { Notice } from "@/components/ui/notice";
import { AccountStatusBadge, accountStatusCopy } from "@/components/accounts/account-status-badge";
import { RelativeTime } from "@/components/accounts/relative-time";
import { AccountTestButton } from "@/components/accounts/account-test-button";
import { RecreateTokenButton } from "@/components/accounts/recreate-token-button";
import { CredentialLines, MissingScopesFlag } from "@/components/accounts/credential-lines";
import { AccountTagsForm } from "@/components/accounts/account-tags-form";
import { ReauthLinksPanel } from "@/components/accounts/reauth-links-panel";
import { listReauthLinks } from "@/lib/reauth-links/reauth-links";
import { ConnectAccountButton } from "@/components/accounts/connect-account-button";
import { RenameAccountForm } from "@/components/accounts/rename-account-form";
import { DisconnectAccountButton } from "@/components/accounts/disconnect-account-button";
import { RedirectNotice } from "@/components/accounts/redirect-notice";
import { RecreateQueueReturn } from "@/components/checks/recreate-queue-return";
import { AccountTimeline } from "@/components/timeline/account-timeline";

export const metadata: Metadata = { title: "eBay account · ChannelKeys" };

type Props = {
  params: Promise<{ accountId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

const HISTORY_ACTIONS = ["account_connect", "account_test", "account_recreate", "account_recreate_failed", "account_disconnect", "status_change", "token_refresh", "account_import", "reauth_link_use", "token_issue"];

export default async function AccountPage({ params, searchParams }: Props) {
  const { workspace, role } = await requireWorkspace("accounts:read");
  const { accountId } = await params;
  const row = await db.ebayAccount.findFirst({ where: { id: accountId, workspaceId: workspace.id }, select: ACCOUNT_VIEW_SELECT });
  if (!row) notFound();
  const [checks, history, reauthLinks] = await Promise.all([
    db.tokenCheck.findMany({
      where: { accountId: row.id, workspaceId: workspace.id },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: 20,
    }),
    db.auditEvent.findMany({
      where: { workspaceId: workspace.id, accountId: row.id, action: { in: HISTORY_ACTIONS } },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: 30,
    }),
    can(role, "reauth_links:manage") ? listReauthLinks(db, { workspaceId: workspace.id, accountId: row.id }) : Promise.resolve([]),
  ]);
  const account = toAccountView(row, getEbayConfig().scopes);
  const nowIso = now().toISOString();
  const copy = accountStatusCopy(account, nowIso);
  const disconnected = account.status === "disconnected";
  const statusChanges = history.flatMap((event) => {
    const change = parseAuditChanges(event.changes).find((line) => line.field === "status");
    return change ? [{ event, change }] : [];
  });

  return (
    <>
      <PageHeader
        back={{ href: "/accounts", label: "eBay accounts" }}
        title={account.name}
        meta={
          <>
            <AccountStatusBadge account={account} now={nowIso} />
            <Badge tone="neutral">{environmentLabel(account.environment)}</Badge>
            {account.marketplaceId ? <Badge tone="neutral">{account.marketplaceId}</Badge> : null}
          </>
        }
        actions={
          <div className="flex flex-wrap items-start gap-2">
            {!disconnected && can(role, "accounts:test") ? <AccountTestButton accountId={account.id} accountName={account.name} /> : null}
            {!disconnected && can(role, "accounts:recreate") ? (
              account.oauth && account.authNAuth ? (
                <>
                  {/* One guided pass: eBay's OAuth consent, then straight on to its Auth'n'Auth sign-in. */}
                  <RecreateTokenButton accountId={account.id} tokens="both" label="Re-create both tokens" size="md" variant={copy.action === "recreate" ? "primary" : "secondary"} />
                  <RecreateTokenButton accountId={account.id} tokens="oauth" label="Re-create OAuth token only" size="md" variant="secondary" />
                  <RecreateTokenButton accountId={account.id} tokens="authnauth" label="Re-create Auth'n'Auth token only" size="md" variant="secondary" />
                </>
              ) : (
                <RecreateTokenButton
                  accountId={account.id}
                  tokens={account.authNAuth ? "authnauth" : undefined}
                  size="md"
                  variant={copy.action === "recreate" || account.missingScopes.length > 0 ? "primary" : "secondary"}
                />
              )
            ) : null}
            {disconnected && can(role, "accounts:connect") ? <ConnectAccountButton label="Connect again" /> : null}
            {!disconnected && can(role, "accounts:disconnect") ? <DisconnectAccountButton accountId={account.id} accountName={account.name} /> : null}
          </div>
        }
      />
      <RedirectNotice notice={describeNotice(await searchParams)} />
      <RecreateQueueReturn />
      {account.status !== "healthy" && account.status !== "unchecked" ? (
        <Notice tone={copy.tone === "bad" ? "error" : copy.tone === "warn" ? "warning" : "info"} title={copy.label} live={false} className="mb-6">
          {copy.message}
        </Notice>
      ) : null}
      {account.missingScopes.length > 0 ? (
        <Notice tone="info" title="Needs consent for new permissions" live={false} className="mb-6">
          ChannelKeys now asks eBay for permissions this account has not granted yet ({account.missingScopes.length}). Its token keeps
          working for what it was granted; choose &ldquo;Re-create token&rdquo; to grant the full set.
        </Notice>
      ) : null}

      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader title="Tokens" description="ChannelKeys stores tokens encrypted; they are never shown." />
          <CardBody>
            <CredentialLines account={account} now={nowIso} />
            <dl className="mt-2 grid grid-cols-[max-content_1fr] gap-x-6 gap-y-2 text-sm">
              <dt className="text-gray-600">Refresh token</dt>
              <dd>
                {account.refreshTokenExpiresAt ? (
                  <>
                    expires <RelativeTime value={account.refreshTokenExpiresAt} now={nowIso} />{" "}
                    <span className="text-gray-500">({formatTimestamp(new Date(account.refreshTokenExpiresAt))})</span>
                  </>
                ) : (
                  "none"
                )}
              </dd>
              <dt className="text-gray-600">Access token</dt>
              <dd>
                {account.accessTokenExpiresAt ? (
                  <>
                    expires <RelativeTime value={account.accessTokenExpiresAt} now={nowIso} />
                  </>
                ) : (
                  "none"
                )}
              </dd>
              {account.authNAuth ? (
                <>
                  <dt className="text-gray-600">Auth&apos;n&apos;Auth token</dt>
                  <dd>
                    {account.authNAuth.expiresAt ? (
                      <>
                        expires <RelativeTime value={account.authNAuth.expiresAt} now={nowIso} />{" "}
                        <span className="text-gray-500">({formatTimestamp(new Date(account.authNAuth.expiresAt))}; cannot be renewed, only re-created)</span>
                        {account.authNAuth.ebayWarnedAt ? <span className="block text-amber-900">eBay has started warning that it expires.</span> : null}
                      </>
                    ) : (
                      "none"
                    )}
                  </dd>
                </>
              ) : null}
              <dt className="text-gray-600">Last refreshed</dt>
              <dd>
                <RelativeTime value={account.lastRefreshedAt} now={nowIso} empty="never" />
              </dd>
              <dt className="text-gray-600">Last checked</dt>
              <dd>
                <RelativeTime value={account.lastCheckedAt} now={nowIso} empty="never" />
              </dd>
              <dt className="text-gray-600">Last healthy</dt>
              <dd>
                <RelativeTime value={account.lastHealthyAt} now={nowIso} empty="never" />
              </dd>
              <dt className="text-gray-600">Granted scopes</dt>
              <dd>
                {account.scopes.length === 0 ? (
                  <span className="text-gray-500">{account.authNAuth ? "none (an Auth'n'Auth token has no scopes)" : "none"}</span>
                ) : (
                  <ul className="space-y-0.5 break-all text-xs text-gray-700" aria-label="Granted scopes">
                    {account.scopes.map((scope) => (
                      <li key={scope}>{scope}</li>
                    ))}
                  </ul>
                )}
                <MissingScopesFlag account={account} />
                {account.missingScopes.length > 0 ? (
                  <ul className="mt-1 space-y-0.5 break-all text-xs text-gray-600" aria-label="Scopes not granted yet">
                    {account.missingScopes.map((scope) => (
                      <li key={scope}>not granted: {scope}</li>
                    ))}
                  </ul>
                ) : null}
              </dd>
            </dl>
          </CardBody>
        </Card>

        <Card>
          <CardHeader title="eBay identity" />
          <CardBody className="space-y-4">
            <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-2 text-sm">
              <dt className="text-gray-600">eBay username</dt>
              <dd>{account.ebayUsername ?? "not shared by eBay"}</dd>
              <dt className="text-gray-600">eBay user id</dt>
              <dd className="font-mono text-xs">{account.ebayUserIdKnown ? account.ebayUserId : "known once the seller consents through OAuth"}</dd>
              <dt className="text-gray-600">Account type</dt>
              <dd>{account.accountType ?? "—"}</dd>
              <dt className="text-gray-600">Connected</dt>
              <dd>{formatTimestamp(new Date(account.connectedAt))}</dd>
            </dl>
            {can(role, "accounts:rename") && !disconnected ? <RenameAccountForm accountId={account.id} nickname={account.nickname} /> : null}
            {can(role, "accounts:tag") ? (
              <AccountTagsForm accountId={account.id} tags={account.tags} />
            ) : (
              <p className="text-sm text-gray-700">Tags: {account.tags.length > 0 ? account.tags.join(", ") : "none"}</p>
            )}
          </CardBody>
        </Card>

        {can(role, "reauth_links:manage") && !disconnected ? (
          <Card>
            <CardHeader
              title="Re-authorization link"
              description="For an account's owner without a ChannelKeys login: a link that lets them consent again for this account only (single use, up to 7 days)."
            />
            <CardBody>
              <ReauthLinksPanel accountId={account.id} accountStatusLabel={copy.label} links={reauthLinks} />
            </CardBody>
          </Card>
        ) : null}

        <Card>
          <CardHeader title="Status history" />
          <CardBody>
            {statusChanges.length === 0 ? (
              <p className="text-sm text-gray-600">No status changes recorded yet.</p>
            ) : (
              <ol className="space-y-3 text-sm">
                {statusChanges.map(({ event, change }) => {
                  return (
                    <li key={event.id} className="border-l-2 border-gray-200 pl-3">
                      <div className="font-medium text-gray-900">
                        {change.before} → {change.after}
                      </div>
                      <div className="text-gray-600">{event.detail}</div>
                      <div className="text-xs text-gray-500">
                        {formatTimestamp(event.createdAt)} · {auditActionLabel(event.action)} · {event.actorLabel}
                      </div>
                    </li>
                  );
                })}
              </ol>
            )}
          </CardBody>
        </Card>

        <Card>
          <CardHeader title="Recent checks" />
          <CardBody>
            {checks.length === 0 ? (
              <p className="text-sm text-gray-600">This account has not been tested yet.</p>
            ) : (
              <ol className="space-y-2 text-sm">
                {checks.map((check) => (
                  <li key={check.id} className="flex flex-wrap items-baseline justify-between gap-2 border-b border-gray-100 pb-2">
                    <span>
                      <Badge tone={check.verdict === "healthy" ? "good" : check.verdict === "needs_reauth" ? "bad" : "warn"}>
                        {check.verdict === "healthy" ? "Healthy" : check.verdict === "needs_reauth" ? "Needs re-authorization" : "eBay unavailable"}
                      </Badge>{" "}
                      <span className="text-gray-700">{check.message}</span>
                    </span>
                    <span className="text-xs text-gray-500">
                      {formatTimestamp(check.createdAt)} · {check.trigger}
                      {check.refreshed ? " · refreshed" : ""} · {check.ebayCalls} eBay call{check.ebayCalls === 1 ? "" : "s"}
                    </span>
                  </li>
                ))}
              </ol>
            )}
          </CardBody>
        </Card>
      </div>

      <AccountTimeline
        workspaceId={workspace.id}
        accountId={row.id}
        now={new Date(nowIso)}
        connectedAt={row.connectedAt}
        refreshTokenExpiresAt={row.refreshTokenExpiresAt}
        accessTokenExpiresAt={row.accessTokenExpiresAt}
        authNAuth={row.authNAuthExpiresAt ? { grantedAt: row.authNAuthGrantedAt, expiresAt: row.authNAuthExpiresAt } : null}
      />
    </>
  );
}
