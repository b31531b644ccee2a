// HTML for the browser steps (sign-in, consent). Deliberately close to eBay's wording and field names so demo users
// recognise it and browser tests can address fields the way a seller sees them.

function escapeHtml(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

const SCOPE_DESCRIPTIONS: Record<string, string> = {
  "": "View public data from eBay",
  "/commerce.identity.readonly": "View a basic summary of your eBay user account",
  "/commerce.identity.name.readonly": "View your name",
  "/commerce.identity.email.readonly": "View your email address",
  "/sell.account.readonly": "View your account settings",
  "/sell.account": "View and manage your account settings",
  "/sell.fulfillment.readonly": "View your order fulfillments",
  "/sell.fulfillment": "View and manage your order fulfillments",
  "/sell.inventory.readonly": "View your inventory and offers",
  "/sell.inventory": "View and manage your inventory and offers",
  "/sell.marketing.readonly": "View your eBay marketing activities",
  "/sell.marketing": "View and manage your eBay marketing activities",
  "/sell.finances": "View and manage your payment and order information",
};

function describeScope(scope: string): string {
  const suffix = scope.replace("https://api.ebay.com/oauth/api_scope", "");
  return SCOPE_DESCRIPTIONS[suffix] ?? scope;
}

const STYLE = `
body{font-family:"Market Sans",Arial,sans-serif;margin:0;background:#fff;color:#191919}
header{padding:16px 24px;border-bottom:1px solid #e5e5e5}
.logo{font-size:32px;font-weight:700;letter-spacing:-2px}
.logo .e{color:#e53238}.logo .b{color:#0064d2}.logo .a{color:#f5af02}.logo .y{color:#86b817}
main{max-width:420px;margin:32px auto;padding:0 16px}
h1{font-size:28px;margin:0 0 8px}
label{display:block;margin:16px 0 4px;font-size:14px}
input[type=text],input[type=password]{width:100%;box-sizing:border-box;padding:12px;border:1px solid #8f8f8f;border-radius:8px;font-size:16px}
button{margin-top:16px;width:100%;padding:12px;border-radius:24px;font-size:16px;cursor:pointer}
.primary{background:#3665f3;color:#fff;border:1px solid #3665f3}
.secondary{background:#fff;color:#3665f3;border:1px solid #3665f3}
.error{color:#e0103a;margin:12px 0}
.hint{background:#f7f7f7;border:1px solid #e5e5e5;border-radius:8px;padding:8px 12px;font-size:13px;margin-top:24px}
ul{padding-left:20px}
`;

function layout(title: string, content: string): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>` +
    `<meta name="viewport" content="width=device-width, initial-scale=1"><style>${STYLE}</style></head><body>` +
    `<header><span class="logo" aria-label="eBay"><span class="e">e</span><span class="b">b</span><span class="a">a</span><span class="y">y</span></span></header>` +
    `<main>${content}</main></body></html>`;
}

export interface SignInPageInput {
  action: string;
  requestId: string;
  error?: string;
  username?: string;
  demoSellers?: string[];
}

export function signInPage(input: SignInPageInput): string {
  const hint = input.demoSellers?.length
    ? `<p class="hint" data-testid="demo-hint">Emulated eBay — demo sellers: ${input.demoSellers.map(escapeHtml).join(", ")} (password: password)</p>`
    : "";
  return layout(
    "Sign in or Register | eBay",
    `<h1>Hello</h1><p>Sign in to eBay or <a href="#">create an account</a></p>` +
      (input.error ? `<p class="error" role="alert">${escapeHtml(input.error)}</p>` : "") +
      `<form method="post" action="${escapeHtml(input.action)}">` +
      `<input type="hidden" name="request" value="${escapeHtml(input.requestId)}">` +
      `<input type="hidden" name="step" value="signin">` +
      `<label for="userid">Email or username</label><input type="text" id="userid" name="username" autocomplete="username" value="${escapeHtml(input.username ?? "")}">` +
      `<label for="pass">Password</label><input type="password" id="pass" name="password" autocomplete="current-password">` +
      `<button type="submit" id="sgnBt" class="primary">Sign in</button></form>${hint}`,
  );
}

export interface ConsentPageInput {
  action: string;
  requestId: string;
  appName: string;
  username: string;
  scopes: string[];
}

export function consentPage(input: ConsentPageInput): string {
  const scopes = input.scopes.map((scope) => `<li title="${escapeHtml(scope)}">${escapeHtml(describeScope(scope))}</li>`).join("");
  const button = (step: string, label: string, style: string, id: string) =>
    `<form method="post" action="${escapeHtml(input.action)}"><input type="hidden" name="request" value="${escapeHtml(input.requestId)}">` +
    `<input type="hidden" name="step" value="${step}"><button type="submit" id="${id}" class="${style}">${label}</button></form>`;
  return layout(
    "Grant application access | eBay",
    `<h1>Grant application access: ${escapeHtml(input.appName)}</h1>` +
      `<p data-testid="signed-in-as">Hi ${escapeHtml(input.username)}!</p>` +
      `<p>${escapeHtml(input.appName)} would like to access your eBay account and:</p><ul>${scopes}</ul>` +
      `<p>By selecting Agree, you authorize eBay to share this data with ${escapeHtml(input.appName)}. You can revoke this access in My eBay at any time.</p>` +
      button("agree", "Agree", "primary", "submit") +
      button("decline", "Not now", "secondary", "cancel") +
      button("switch", "Not you? Sign in as someone else", "secondary", "switchUser"),
  );
}

export function errorPage(message: string): string {
  return layout("Error | eBay", `<h1>Sorry, something went wrong</h1><p class="error" role="alert">${escapeHtml(message)}</p>`);
}
