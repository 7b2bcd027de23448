// Loads the QuickJS WebAssembly module, once per worker thread (each Sandbox has its own worker).
//
// The wasm memory is created here with a maximum size, because that is the memory limit that holds:
// QuickJS's own setMemoryLimit does not see the size of large allocations in this build (1 MB strings
// pile up far past it), while a capped memory makes malloc fail and QuickJS throw "out of memory".
//
// In a bundle (dist/) the wasm file sits next to the bundled script as quickjs.wasm (copied by esbuild.mjs),
// because the variant's own lookup relies on import.meta.url, which cjs bundles lack; from source, the
// package finds its own file.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { newQuickJSWASMModuleFromVariant, newVariant, type QuickJSWASMModule } from 'quickjs-emscripten-core';
import releaseSyncVariant from '@jitl/quickjs-wasmfile-release-sync';

export const BUNDLED_WASM_NAME = 'quickjs.wasm';
const WASM_PAGE_BYTES = 64 * 1024;
/** The variant's own default initial size. */
const INITIAL_WASM_BYTES = 16 * 1024 * 1024;
/** wasm32 with emscripten's default settings cannot address more. */
export const MAX_WASM_BYTES = 2 * 1024 * 1024 * 1024;

// Node has WebAssembly.Memory; the project's lib settings (ES2022, no DOM) do not declare it as a value.
type WasmMemoryConstructor = new (descriptor: { initial: number; maximum: number }) => object;
const WasmMemory = (globalThis as unknown as { WebAssembly: { Memory: WasmMemoryConstructor } }).WebAssembly.Memory;

let modulePromise: Promise<QuickJSWASMModule> | undefined;

/** The first call decides the heap cap for this thread; later calls get the same module. */
export function loadQuickJS(maxWasmBytes: number = MAX_WASM_BYTES): Promise<QuickJSWASMModule> {
  modulePromise ??= load(maxWasmBytes).catch((error: unknown) => {
    modulePromise = undefined; // let a later call retry instead of caching the failure
    throw error;
  });
  return modulePromise;
}

async function load(maxWasmBytes: number): Promise<QuickJSWASMModule> {
  const maximum = Math.ceil(Math.min(Math.max(maxWasmBytes, INITIAL_WASM_BYTES), MAX_WASM_BYTES) / WASM_PAGE_BYTES);
  const wasmMemory = new WasmMemory({ initial: INITIAL_WASM_BYTES / WASM_PAGE_BYTES, maximum });
  const bundled = join(__dirname, BUNDLED_WASM_NAME);
  const variant = newVariant(releaseSyncVariant, {
    wasmMemory: wasmMemory as never,
    ...(existsSync(bundled) ? { wasmLocation: bundled } : {}),
  });
  return newQuickJSWASMModuleFromVariant(variant);
}
