// The workspace a user is looking at, remembered per browser. Only ever a hint: every read
// is checked against the user's memberships, so a forged value selects nothing.
export const WORKSPACE_COOKIE = "ck_workspace";
