// The Prisma query extension's work (lib/db.ts): seal every column of lib/crypto/encrypted-columns.ts in a query's
// write arguments and open it in the query's result, each value bound to its table, row and column. It walks
// queries with the schema's relations, so nested writes (workspace.create({ data: { accounts: { create } } })),
// createMany and nested selects are covered, not only top-level fields.
import { createId } from "@paralleldrive/cuid2";
import type { TokenCipher } from "@/lib/crypto/token-cipher";
import { ENCRYPTED_MODELS, type EncryptedModel } from "@/lib/crypto/encrypted-columns";

/** model -> relation field -> related model, from Prisma's runtime data model. */
export type RelationMap = ReadonlyMap<string, ReadonlyMap<string, string>>;

type RuntimeDataModel = { models: Record<string, { fields: { name: string; kind: string; type: string }[] }> };

export function relationMapOf(runtimeDataModel: RuntimeDataModel): RelationMap {
  const map = new Map<string, Map<string, string>>();
  for (const [model, { fields }] of Object.entries(runtimeDataModel.models)) {
    map.set(model, new Map(fields.filter((field) => field.kind === "object").map((field) => [field.name, field.type])));
  }
  return map;
}

export class EncryptedColumnWriteError extends Error {
  override name = "EncryptedColumnWriteError";
}

type Context = { cipher: () => TokenCipher; relations: RelationMap };
type Args = Record<string, unknown>;

const CREATE_OPERATIONS = new Set(["create", "createMany", "createManyAndReturn"]);
const UPDATE_OPERATIONS = new Set(["update", "updateMany", "updateManyAndReturn"]);
const RESULT_FREE_OPERATIONS = new Set(["count", "aggregate", "groupBy", "createMany", "updateMany", "deleteMany"]);

/** The query's arguments with every encrypted value sealed and, where the binding needs it, the row id selected. */
export function sealQueryArgs(model: string, operation: string, args: unknown, context: Context): unknown {
  if (!isPlainObject(args)) return args;
  const sealed: Args = { ...args };
  if (CREATE_OPERATIONS.has(operation) && "data" in sealed) {
    sealed.data = mapOneOrMany(sealed.data, (data) => sealCreateData(model, data, context));
  } else if (UPDATE_OPERATIONS.has(operation) && "data" in sealed) {
    sealed.data = sealUpdateData(model, sealed.data, rowIdFromWhere(model, sealed.where), context);
  } else if (operation === "upsert") {
    sealed.create = sealCreateData(model, sealed.create, context);
    sealed.update = sealUpdateData(model, sealed.update, rowIdFromWhere(model, sealed.where), context);
  }
  return withRowIdsSelected(model, sealed, context);
}

/** The result with every encrypted value opened (and row ids that were only fetched for that removed). */
export function openQueryResult(model: string, operation: string, args: unknown, result: unknown, context: Context): unknown {
  if (RESULT_FREE_OPERATIONS.has(operation)) return result;
  return openRows(model, isPlainObject(args) ? args : {}, result, context);
}

function sealCreateData(model: string, data: unknown, context: Context): unknown {
  if (!isPlainObject(data)) return data;
  const sealed = sealRelations(model, data, context);
  const encrypted = ENCRYPTED_MODELS.get(model);
  if (!encrypted || !writesEncryptedValue(encrypted, sealed)) return sealed;
  let rowId = sealed[encrypted.idField];
  if (rowId === undefined && encrypted.idField === "id") {
    // @default(cuid()) would pick the id inside the database write, after the value must already be sealed: pick it
    // here instead (a cuid2, as collision-resistant as Prisma's).
    rowId = createId();
    sealed[encrypted.idField] = rowId;
  }
  if (typeof rowId !== "string") {
    throw new EncryptedColumnWriteError(`${model}: give ${encrypted.idField} in the data when writing an encrypted column`);
  }
  return sealFields(encrypted, sealed, rowId, context);
}

function sealUpdateData(model: string, data: unknown, rowId: string | null, context: Context): unknown {
  if (!isPlainObject(data)) return data;
  const sealed = sealRelations(model, data, context);
  const encrypted = ENCRYPTED_MODELS.get(model);
  if (!encrypted || !writesEncryptedValue(encrypted, sealed)) return sealed;
  if (rowId === null) {
    // One ciphertext cannot be bound to several rows: writes of a secret name their one row.
    throw new EncryptedColumnWriteError(
      `${model}: an encrypted column is written only with where: { ${encrypted.idField}: "…" } naming one row`,
    );
  }
  return sealFields(encrypted, sealed, rowId, context);
}

function sealFields(encrypted: EncryptedModel, data: Args, rowId: string, context: Context): Args {
  const sealed: Args = { ...data };
  for (const field of encrypted.fields) {
    const value = sealed[field];
    const binding = { table: encrypted.model, column: field, rowId };
    if (typeof value === "string") sealed[field] = context.cipher().encrypt(value, binding);
    // Prisma's { set: value } form of a scalar update.
    else if (isPlainObject(value) && typeof value.set === "string") sealed[field] = { ...value, set: context.cipher().encrypt(value.set, binding) };
  }
  return sealed;
}

function writesEncryptedValue(encrypted: EncryptedModel, data: Args): boolean {
  return [...encrypted.fields].some((field) => {
    const value = data[field];
    return typeof value === "string" || (isPlainObject(value) && typeof value.set === "string");
  });
}

/** Nested writes under relation fields: create, createMany, connectOrCreate, upsert, update, updateMany. */
function sealRelations(model: string, data: Args, context: Context): Args {
  const relations = context.relations.get(model);
  if (!relations) return data;
  const sealed: Args = { ...data };
  for (const [field, value] of Object.entries(data)) {
    const target = relations.get(field);
    if (!target || !isPlainObject(value)) continue;
    sealed[field] = sealNestedWrite(target, value, context);
  }
  return sealed;
}

function sealNestedWrite(target: string, write: Args, context: Context): Args {
  const sealed: Args = { ...write };
  if ("create" in write) sealed.create = mapOneOrMany(write.create, (data) => sealCreateData(target, data, context));
  if (isPlainObject(write.createMany)) {
    sealed.createMany = { ...write.createMany, data: mapOneOrMany(write.createMany.data, (data) => sealCreateData(target, data, context)) };
  }
  if ("connectOrCreate" in write) {
    sealed.connectOrCreate = mapOneOrMany(write.connectOrCreate, (entry) =>
      isPlainObject(entry) ? { ...entry, create: sealCreateData(target, entry.create, context) } : entry,
    );
  }
  if ("upsert" in write) {
    sealed.upsert = mapOneOrMany(write.upsert, (entry) =>
      isPlainObject(entry)
        ? {
            ...entry,
            create: sealCreateData(target, entry.create, context),
            update: sealUpdateData(target, entry.update, rowIdFromWhere(target, entry.where), context),
          }
        : entry,
    );
  }
  for (const key of ["update", "updateMany"] as const) {
    if (!(key in write)) continue;
    sealed[key] = mapOneOrMany(write[key], (entry) => {
      if (!isPlainObject(entry)) return entry;
      // A list relation's { where, data }, or a to-one relation's data given directly.
      const wrapped = "data" in entry && Object.keys(entry).every((name) => name === "data" || name === "where");
      return wrapped
        ? { ...entry, data: sealUpdateData(target, entry.data, rowIdFromWhere(target, entry.where), context) }
        : sealUpdateData(target, entry, null, context);
    });
  }
  return sealed;
}

/** The one row a where names by its id, or null. */
function rowIdFromWhere(model: string, where: unknown): string | null {
  const encrypted = ENCRYPTED_MODELS.get(model);
  if (!encrypted || !isPlainObject(where)) return null;
  const value = where[encrypted.idField];
  if (typeof value === "string") return value;
  if (isPlainObject(value) && typeof value.equals === "string" && Object.keys(value).length === 1) return value.equals;
  return null;
}

/**
 * A select (or omit) that asks for an encrypted column without the row id gets the id too: the value cannot be
 * opened without it. openRows removes it again, so callers see what they asked for.
 */
function withRowIdsSelected(model: string, args: Args, context: Context): Args {
  const encrypted = ENCRYPTED_MODELS.get(model);
  const relations = context.relations.get(model);
  const prepared: Args = { ...args };
  if (isPlainObject(args.select)) {
    const select: Args = { ...args.select };
    if (encrypted && selectsEncrypted(encrypted, select) && !select[encrypted.idField]) select[encrypted.idField] = true;
    for (const [field, value] of Object.entries(select)) {
      const target = relations?.get(field);
      if (target && isPlainObject(value)) select[field] = withRowIdsSelected(target, value, context);
    }
    prepared.select = select;
  }
  if (isPlainObject(args.include)) {
    const include: Args = { ...args.include };
    for (const [field, value] of Object.entries(include)) {
      const target = relations?.get(field);
      if (target && isPlainObject(value)) include[field] = withRowIdsSelected(target, value, context);
    }
    prepared.include = include;
  }
  if (encrypted && isPlainObject(args.omit) && args.omit[encrypted.idField] === true) {
    prepared.omit = { ...args.omit, [encrypted.idField]: false };
  }
  return prepared;
}

function selectsEncrypted(encrypted: EncryptedModel, select: Args): boolean {
  return [...encrypted.fields].some((field) => Boolean(select[field]));
}

function openRows(model: string, args: Args, value: unknown, context: Context): unknown {
  if (Array.isArray(value)) return value.map((row) => openRows(model, args, row, context));
  if (!isPlainObject(value)) return value;
  const encrypted = ENCRYPTED_MODELS.get(model);
  const relations = context.relations.get(model);
  const opened: Args = {};
  for (const [field, fieldValue] of Object.entries(value)) {
    const target = relations?.get(field);
    if (target) {
      opened[field] = openRows(target, nestedArgs(args, field), fieldValue, context);
    } else if (encrypted?.fields.has(field) && typeof fieldValue === "string") {
      const rowId = value[encrypted.idField];
      if (typeof rowId !== "string") throw new EncryptedColumnWriteError(`${model}.${field} was read without its row id`);
      opened[field] = context.cipher().decrypt(fieldValue, { table: model, column: field, rowId });
    } else {
      opened[field] = fieldValue;
    }
  }
  if (encrypted && idWasAddedForOpening(encrypted, args)) delete opened[encrypted.idField];
  return opened;
}

function idWasAddedForOpening(encrypted: EncryptedModel, args: Args): boolean {
  if (isPlainObject(args.select)) return selectsEncrypted(encrypted, args.select) && !args.select[encrypted.idField];
  return isPlainObject(args.omit) && args.omit[encrypted.idField] === true;
}

function nestedArgs(args: Args, field: string): Args {
  const fromSelect = isPlainObject(args.select) ? args.select[field] : undefined;
  const fromInclude = isPlainObject(args.include) ? args.include[field] : undefined;
  const nested = fromSelect ?? fromInclude;
  return isPlainObject(nested) ? nested : {};
}

function mapOneOrMany(value: unknown, map: (item: unknown) => unknown): unknown {
  return Array.isArray(value) ? value.map(map) : map(value);
}

function isPlainObject(value: unknown): value is Args {
  if (value === null || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
