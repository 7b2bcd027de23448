// Host-side handle on the guest library (guestLibrarySource.ts): installs it in a context and calls its functions,
// owning every handle involved.

import type { QuickJSContext, QuickJSHandle } from 'quickjs-emscripten-core';
import type { GuestValue } from '../protocol';
import { newGuestString } from './guestStrings';
import {
  GUEST_LIBRARY_EXPORTS,
  GUEST_LIBRARY_GLOBALS,
  GUEST_LIBRARY_SOURCE,
  type GuestLibraryExports,
} from './guestLibrarySource';

type Exports = Record<keyof GuestLibraryExports, QuickJSHandle>;

export class GuestLibrary {
  private constructor(
    private readonly ctx: QuickJSContext,
    private readonly exports: Exports,
  ) {}

  /** Evaluates the library; `emit` receives every printed line. */
  static install(ctx: QuickJSContext, emit: (line: string) => void): GuestLibrary {
    const factory = ctx.unwrapResult(ctx.evalCode(GUEST_LIBRARY_SOURCE, 'sandbox-library.js'));
    const emitHandle = ctx.newFunction('emit', (lineHandle) => {
      emit(ctx.getString(lineHandle));
    });
    try {
      const library = ctx.unwrapResult(ctx.callFunction(factory, ctx.undefined, emitHandle));
      try {
        const exports = {} as Exports;
        for (const name of GUEST_LIBRARY_EXPORTS) exports[name] = ctx.getProp(library, name);
        return new GuestLibrary(ctx, exports);
      } finally {
        library.dispose();
      }
    } finally {
      emitHandle.dispose();
      factory.dispose();
    }
  }

  /** The engine globals the library provides (print, console, SHOW_VARS); the caller owns the handles. */
  globals(): Array<[string, QuickJSHandle]> {
    return GUEST_LIBRARY_GLOBALS.map((name) => [name, this.exports[name].dup()]);
  }

  /** The REPL display of a cell's value; undefined for undefined. */
  renderValue(value: QuickJSHandle): string | undefined {
    const result = this.ctx.callFunction(this.exports.renderValue, this.ctx.undefined, value);
    if (result.error) {
      result.error.dispose();
      return '[the value could not be rendered]';
    }
    return result.value.consume((rendered) => (this.ctx.typeof(rendered) === 'string' ? this.ctx.getString(rendered) : undefined));
  }

  /** "TypeError: ... (at line 3)", or undefined if the guest cannot run (e.g. its heap is full). */
  describeError(error: QuickJSHandle): string | undefined {
    return this.callForString(this.exports.describeError, error);
  }

  describeVariablesJSON(): string | undefined {
    return this.callForString(this.exports.describeVariablesJSON);
  }

  markBaseline(): void {
    this.ctx.unwrapResult(this.ctx.callFunction(this.exports.markBaseline, this.ctx.undefined)).dispose();
  }

  /** Makes the named globals read-only and non-configurable, and remembers the global object's prototype. */
  lockGlobals(names: string[]): void {
    const list = this.ctx.newString(JSON.stringify(names));
    try {
      this.ctx.unwrapResult(this.ctx.callFunction(this.exports.lockGlobals, this.ctx.undefined, list)).dispose();
    } finally {
      list.dispose();
    }
  }

  /**
   * After a cell: puts back a replaced global prototype, and returns why later cells cannot run normally
   * ('' when they can), e.g. a frozen global object that rejects every new declaration.
   */
  checkGlobals(): string {
    return this.callForString(this.exports.checkGlobals) ?? 'the sandbox could not check its global object';
  }

  /** Builds a guest value; the caller owns (and disposes) the handle. */
  toGuest(value: GuestValue): QuickJSHandle {
    if ('string' in value) return newGuestString(this.ctx, value.string, this.exports.parseJSON);
    if ('undefined' in value) return this.ctx.undefined;
    const text = this.ctx.newString(value.json);
    try {
      return this.ctx.unwrapResult(this.ctx.callFunction(this.exports.parseJSON, this.ctx.undefined, text));
    } finally {
      text.dispose();
    }
  }

  /** JSON.stringify in the guest; throws the guest's message (e.g. on a cycle) so it reaches the model. */
  toJSONText(value: QuickJSHandle): string | undefined {
    const result = this.ctx.callFunction(this.exports.toJSONText, this.ctx.undefined, value);
    if (result.error) {
      const message = this.callForString(this.exports.describeError, result.error) ?? 'the value cannot be sent as JSON';
      result.error.dispose();
      throw new Error(`host function arguments must be JSON values: ${message}`);
    }
    return result.value.consume((text) => (this.ctx.typeof(text) === 'string' ? this.ctx.getString(text) : undefined));
  }

  dispose(): void {
    for (const handle of Object.values(this.exports)) if (handle.alive) handle.dispose();
  }

  private callForString(fn: QuickJSHandle, ...args: QuickJSHandle[]): string | undefined {
    const result = this.ctx.callFunction(fn, this.ctx.undefined, ...args);
    if (result.error) {
      result.error.dispose();
      return undefined;
    }
    return result.value.consume((text) => (this.ctx.typeof(text) === 'string' ? this.ctx.getString(text) : undefined));
  }
}
