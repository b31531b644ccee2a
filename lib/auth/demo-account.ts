// The demo sign-in offered in emulated mode (scripts/seed-demo.ts creates it). It only ever
// exists next to the eBay emulator, where there is nothing real to protect.
export const DEMO_ACCOUNT = {
  email: "demo@channelkeys.test",
  password: "channelkeys-demo",
  name: "Demo Seller",
  workspaceName: "Demo Seller's workspace",
} as const;
