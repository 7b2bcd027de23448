// Copies host strings into the guest. Two defects of the library's ctx.newString matter here:
// - it encodes UTF-8 with a per-character JS loop (a 100 MB context took 1.7 s); TextEncoder writing straight
//   into the wasm heap does the same in a fraction of that;
// - the engine reads the copy as a NUL-terminated C string, so a "\0" would silently cut the string short;
//   such strings go through JSON, which escapes it.
// The fast path uses fields quickjs-emscripten does not type as public (the emscripten module, the FFI);
// if they are missing, it falls back to ctx.newString.

import { Lifetime, type QuickJSContext, type QuickJSHandle } from 'quickjs-emscripten-core';

/** Below this, newString is fast enough and the fast path's fixed costs are not worth it. */
const FAST_PATH_MIN_CHARS = 64 * 1024;

interface EmscriptenHeap {
  HEAPU8: Uint8Array;
  _malloc(bytes: number): number;
  _free(pointer: number): void;
}

interface StringFFI {
  QTS_NewString(ctx: number, chars: number): number;
  QTS_DupValuePointer(ctx: number, value: number): number;
  QTS_FreeValuePointer(ctx: number, value: number): void;
  QTS_ResolveException(ctx: number, maybeException: number): number;
}

interface ContextInternals {
  module?: Partial<EmscriptenHeap>;
  ffi?: Partial<StringFFI>;
  ctx?: { value: number };
}

const encoder = new TextEncoder();

/**
 * A guest string with the same content as `value`; the caller owns the handle. `parseJSON` is a handle to
 * the guest's JSON.parse, used for strings holding NUL characters.
 */
export function newGuestString(ctx: QuickJSContext, value: string, parseJSON: QuickJSHandle): QuickJSHandle {
  if (value.includes('\0')) {
    const json = ctx.newString(JSON.stringify(value));
    try {
      return ctx.unwrapResult(ctx.callFunction(parseJSON, ctx.undefined, json));
    } finally {
      json.dispose();
    }
  }
  if (value.length >= FAST_PATH_MIN_CHARS) {
    const handle = newStringThroughHeap(ctx, value);
    if (handle) return handle;
  }
  return ctx.newString(value);
}

function newStringThroughHeap(ctx: QuickJSContext, value: string): QuickJSHandle | undefined {
  const internals = ctx as unknown as ContextInternals;
  const heap = internals.module;
  const ffi = internals.ffi;
  const ctxPointer = internals.ctx?.value;
  if (
    !heap?._malloc || !heap._free || !heap.HEAPU8 || typeof ctxPointer !== 'number' ||
    !ffi?.QTS_NewString || !ffi.QTS_DupValuePointer || !ffi.QTS_FreeValuePointer || !ffi.QTS_ResolveException
  ) {
    return undefined;
  }
  const { QTS_NewString, QTS_DupValuePointer, QTS_FreeValuePointer, QTS_ResolveException } = ffi as StringFFI;
  const bytes = Buffer.byteLength(value, 'utf8');
  const chars = heap._malloc(bytes + 1);
  if (!chars) throw new Error(`out of memory: cannot copy a ${bytes}-byte string into the sandbox`);
  try {
    // Read HEAPU8 after malloc: growing the memory replaces the view.
    const target = (heap.HEAPU8 as Uint8Array).subarray(chars, chars + bytes + 1);
    encoder.encodeInto(value, target);
    target[bytes] = 0;
    const valuePointer = QTS_NewString(ctxPointer, chars);
    const exception = QTS_ResolveException(ctxPointer, valuePointer);
    if (exception) {
      // The engine could not allocate the string; say so instead of handing back an exception marker.
      QTS_FreeValuePointer(ctxPointer, exception);
      QTS_FreeValuePointer(ctxPointer, valuePointer);
      throw new Error(`out of memory: the sandbox heap cannot hold a ${value.length}-character string`);
    }
    return new Lifetime(
      valuePointer,
      (pointer: number) => QTS_DupValuePointer(ctxPointer, pointer),
      (pointer: number) => QTS_FreeValuePointer(ctxPointer, pointer),
      ctx.runtime,
    ) as unknown as QuickJSHandle;
  } finally {
    heap._free(chars);
  }
}
