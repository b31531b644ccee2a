export type HeaderEntry = { key: string; value: string };

export function servedOverHttps(publicUrl: string | undefined): boolean;
export function contentSecurityPolicy(options: { nonce?: string; development: boolean; https: boolean }): string;
export function securityHeaders(options: { https: boolean }): HeaderEntry[];
