// Loads the QuickJS WebAssembly module once per thread. In a bundle (dist/) the wasm sits next to the bundled
// script as quickjs.wasm (copied by esbuild.mjs), because the variant's own lookup relies on import.meta.url,
// which cjs bundles do not have; from source, the package finds its own file.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { newQuickJSWASMModuleFromVariant, newVariant, type QuickJSWASMModule } from 'quickjs-emscripten-core';
import releaseSyncVariant from '@jitl/quickjs-wasmfile-release-sync';

export const BUNDLED_WASM_NAME = 'quickjs.wasm';

let modulePromise: Promise<QuickJSWASMModule> | undefined;

export function loadQuickJS(): Promise<QuickJSWASMModule> {
  modulePromise ??= load().catch((error: unknown) => {
    modulePromise = undefined; // let a later call retry instead of caching the failure
    throw error;
  });
  return modulePromise;
}

async function load(): Promise<QuickJSWASMModule> {
  const bundled = join(__dirname, BUNDLED_WASM_NAME);
  const variant = existsSync(bundled) ? newVariant(releaseSyncVariant, { wasmLocation: bundled }) : releaseSyncVariant;
  return newQuickJSWASMModuleFromVariant(variant);
}
