import { contentSecurityPolicy, securityHeaders, servedOverHttps } from "./lib/http/security-headers.mjs";

// Read when the build runs: headers() is evaluated by `next build`, not by `next start`. Responses that pass
// through proxy.ts (every page and route) get these headers again, decided at run time, with a script nonce.
const https = servedOverHttps(process.env.NEXTAUTH_URL);
const development = process.env.NODE_ENV === "development";

/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  // A separate build folder per test run lets parallel suites share one checkout.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  reactStrictMode: true,
  // Native and server-only packages stay out of the bundler.
  serverExternalPackages: ["@node-rs/argon2", "pg", "@prisma/adapter-pg", "graphile-worker"],
  typedRoutes: false,
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          ...securityHeaders({ https }),
          { key: "Content-Security-Policy", value: contentSecurityPolicy({ development, https }) },
        ],
      },
    ];
  },
};

export default nextConfig;
