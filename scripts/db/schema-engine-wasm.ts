import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import type { SchemaEngine } from "@prisma/schema-engine-wasm";

export type { SchemaEngine };

type SchemaEngineBindings = typeof import("@prisma/schema-engine-wasm/schema_engine_bg") & {
  __wbg_set_wasm(exports: WebAssembly.Exports): void;
};

let lastPanicMessage: string | undefined;

/** The message of the engine's last panic, if it panicked: its errors then say only "unreachable". */
export function takeSchemaEnginePanicMessage(): string | undefined {
  const message = lastPanicMessage;
  lastPanicMessage = undefined;
  return message;
}

let loading: Promise<typeof SchemaEngine> | undefined;

/**
 * The package's own entry imports the .wasm file as an ES module, which Node 20 refuses without
 * --experimental-wasm-modules, so the module is compiled and wired to its JS glue here instead
 * (once per process: compiling 5 MB of wasm is the slow part of a migration run).
 */
export function loadSchemaEngine(): Promise<typeof SchemaEngine> {
  loading ??= instantiate().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

async function instantiate(): Promise<typeof SchemaEngine> {
  const bindings = (await import("@prisma/schema-engine-wasm/schema_engine_bg")) as SchemaEngineBindings;
  // The package exports only its JS files; the .wasm sits next to the glue module.
  const gluePath = createRequire(import.meta.url).resolve("@prisma/schema-engine-wasm/schema_engine_bg");
  const wasmPath = path.join(path.dirname(gluePath), "schema_engine_bg.wasm");
  const module = await WebAssembly.compile(await readFile(wasmPath));
  const instance = await WebAssembly.instantiate(module, { "./schema_engine_bg.js": withUnrefTimers(bindings) });
  // The engine reports a Rust panic through this global before it throws; without it the panic's own message is
  // lost behind "Cannot read properties of undefined".
  const globals = globalThis as typeof globalThis & { PRISMA_WASM_PANIC_REGISTRY?: { set_message(message: string): void } };
  globals.PRISMA_WASM_PANIC_REGISTRY ??= {
    set_message(message: string) {
      lastPanicMessage = message;
    },
  };
  bindings.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  return bindings.SchemaEngine;
}

/**
 * The engine arms a 10 s timer it never clears; a referenced timer would keep every
 * migration run alive for 10 s after its work is done.
 */
function withUnrefTimers(bindings: SchemaEngineBindings): WebAssembly.ModuleImports {
  const imports = { ...bindings } as unknown as WebAssembly.ModuleImports;
  for (const [name, value] of Object.entries(bindings)) {
    if (name.startsWith("__wbg_setTimeout_") && typeof value === "function") {
      imports[name] = (...args: unknown[]) => {
        const timer: unknown = (value as (...a: unknown[]) => unknown)(...args);
        if (timer && typeof (timer as NodeJS.Timeout).unref === "function") (timer as NodeJS.Timeout).unref();
        return timer;
      };
    }
  }
  return imports;
}
