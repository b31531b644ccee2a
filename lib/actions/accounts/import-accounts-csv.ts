"use server";

import { z } from "zod";
import { parse } from "csv-parse/sync";
import { revalidatePath } from "next/cache";
import { db } from "@/lib/db";
import { defineWorkspaceAction, UserFacingError } from "@/lib/actions/workspace-action";
import { importAccounts, MAX_IMPORT_BATCH } from "@/lib/accounts/import-accounts";
import { parseTagList, TagError } from "@/lib/accounts/tags";

const schema = z.object({ csv: z.string().min(1, "Choose a CSV file.").max(1_000_000, "The file is larger than 1 MB.") });

/**
 * The dashboard's import: a CSV with a refresh_token column (and optional nickname, tags, refresh_token_expires_at),
 * parsed by csv-parse, each row validated at eBay like the API's import. Tokens never come back in the answer.
 */
export const importAccountsCsvAction = defineWorkspaceAction(
  { schema, permission: "accounts:import", name: "importAccountsCsv" },
  async ({ input, user, workspace }) => {
    let records: Record<string, string>[];
    try {
      records = parse(input.csv, { columns: (header: string[]) => header.map((name) => name.trim().toLowerCase()), skip_empty_lines: true, trim: true, bom: true });
    } catch {
      throw new UserFacingError("The file is not a CSV this import can read.", "invalid_input");
    }
    if (records.length === 0) throw new UserFacingError("The file has no rows under its header.", "invalid_input");
    if (records.length > MAX_IMPORT_BATCH) throw new UserFacingError(`Import at most ${MAX_IMPORT_BATCH} rows at a time.`, "invalid_input");
    if (!("refresh_token" in records[0]!)) throw new UserFacingError("The CSV needs a refresh_token column.", "invalid_input");
    const tokens = records.map((record, index) => {
      const row = index + 2;
      if (!record.refresh_token) throw new UserFacingError(`Row ${row} has no refresh_token.`, "invalid_input");
      let tags: string[] = [];
      try {
        tags = parseTagList(record.tags ?? "");
      } catch (error) {
        throw new UserFacingError(`Row ${row}: ${error instanceof TagError ? error.message : "bad tags"}`, "invalid_input");
      }
      const expires = record.refresh_token_expires_at ? new Date(record.refresh_token_expires_at) : null;
      if (expires && Number.isNaN(expires.getTime())) throw new UserFacingError(`Row ${row}: refresh_token_expires_at is not a date.`, "invalid_input");
      return { refreshToken: record.refresh_token, nickname: record.nickname?.slice(0, 80) || null, tags, refreshTokenExpiresAt: expires };
    });
    const results = await importAccounts(db, { workspaceId: workspace.id, tokens, actor: { userId: user.id, label: user.email } });
    revalidatePath("/accounts");
    return {
      results: results.map((result, index) =>
        result.ok
          ? { row: index + 2, ok: true as const, accountId: result.accountId, name: result.name, created: result.created }
          : { row: index + 2, ok: false as const, message: result.message },
      ),
    };
  },
);
