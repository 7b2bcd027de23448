// Makes host functions callable from guest code. Arguments leave the guest as JSON values; results come back
// as values or, for host promises, as guest promises settled later, so many calls can be in flight at once
// (QuickJS's sync build runs the continuations when the engine next executes pending jobs).

import type { QuickJSContext, QuickJSDeferredPromise, QuickJSHandle } from 'quickjs-emscripten-core';
import type { GuestValue, HostCallReply, HostFunctionDescriptor } from '../protocol';

/** How the worker reaches the host thread; `call` blocks until the host answers (or says "pending"). */
export interface HostLink {
  call(name: string, args: unknown[], remainingMs: number): HostCallReply;
}

interface PendingCall {
  deferred: QuickJSDeferredPromise;
  model: boolean;
  cellId: number;
}

export class HostCallBridge {
  private readonly pending = new Map<number, PendingCall>();

  constructor(
    private readonly ctx: QuickJSContext,
    private readonly link: HostLink,
    private readonly toGuest: (value: GuestValue) => QuickJSHandle,
    private readonly toJSONText: (handle: QuickJSHandle) => string | undefined,
    private readonly currentCellId: () => number,
    /** Time the running cell has left before its deadline, passed to the host with each call. */
    private readonly remainingMs: () => number,
  ) {}

  /** Creates the guest function for one host function; the caller owns the returned handle. */
  newGuestFunction(descriptor: HostFunctionDescriptor): QuickJSHandle {
    return this.ctx.newFunction(descriptor.name, (...argHandles) => {
      const args = argHandles.map((handle) => this.argumentToHost(handle));
      const reply = this.link.call(descriptor.name, args, Math.max(0, Math.floor(this.remainingMs())));
      if ('error' in reply) throw new Error(reply.error);
      if ('value' in reply) return this.toGuest(reply.value);
      const deferred = this.ctx.newPromise();
      this.pending.set(reply.callId, { deferred, model: descriptor.kind === 'model', cellId: this.currentCellId() });
      // The library disposes the returned handle after the call; the deferred keeps its own resolvers.
      return deferred.handle;
    });
  }

  /** Settles the guest promise of a pending call. Results for calls already dropped are ignored. */
  settle(callId: number, value: GuestValue | undefined, error: string | undefined): boolean {
    const call = this.pending.get(callId);
    if (!call) return false;
    this.pending.delete(callId);
    try {
      if (error !== undefined) {
        const errorHandle = this.ctx.newError(error);
        call.deferred.reject(errorHandle);
        errorHandle.dispose();
      } else {
        const valueHandle = this.toGuest(value ?? { undefined: true });
        call.deferred.resolve(valueHandle);
        if (valueHandle.alive) valueHandle.dispose();
      }
    } catch (settleError) {
      // Out of memory while copying the result in: reject so the cell sees an error rather than hanging.
      const message = settleError instanceof Error ? settleError.message : String(settleError);
      try {
        const errorHandle = this.ctx.newError(`could not pass the host result into the sandbox: ${message}`);
        call.deferred.reject(errorHandle);
        errorHandle.dispose();
      } catch {
        // The guest promise stays pending; the cell's own checks end it.
      }
    } finally {
      call.deferred.dispose();
    }
    return true;
  }

  /** Pending calls of a cell by kind, which decides whether the cell's clock runs while it waits. */
  pendingOf(cellId: number): { model: number; plain: number } {
    const counts = { model: 0, plain: 0 };
    for (const call of this.pending.values()) if (call.cellId === cellId) counts[call.model ? 'model' : 'plain']++;
    return counts;
  }

  /** Forgets the calls of a finished cell: their results must not run that cell's code later. */
  dropCell(cellId: number): void {
    for (const [callId, call] of this.pending) {
      if (call.cellId !== cellId) continue;
      call.deferred.dispose();
      this.pending.delete(callId);
    }
  }

  dropAll(): void {
    for (const call of this.pending.values()) call.deferred.dispose();
    this.pending.clear();
  }

  /**
   * The engine hands strings out as C strings: a "\0" cuts them short, and a failed allocation (a huge
   * string, a full heap) yields "". Compare lengths, retry through JSON, and fail loudly rather than
   * pass on a wrong string.
   */
  private stringToHost(handle: QuickJSHandle): string {
    const text = this.ctx.getString(handle);
    const length = this.ctx.getProp(handle, 'length').consume((h) => this.ctx.getNumber(h));
    if (text.length === length) return text;
    const json = this.toJSONText(handle);
    const parsed = json === undefined ? undefined : (JSON.parse(json) as unknown);
    if (typeof parsed === 'string' && parsed.length === length) return parsed;
    throw new Error(
      `could not copy a ${length}-character string out of the sandbox (its heap is too full); pass smaller pieces, e.g. slices`,
    );
  }

  private argumentToHost(handle: QuickJSHandle): unknown {
    switch (this.ctx.typeof(handle)) {
      case 'string':
        return this.stringToHost(handle);
      case 'number':
        return this.ctx.getNumber(handle);
      case 'boolean':
        return this.ctx.dump(handle);
      case 'undefined':
      case 'function':
      case 'symbol':
        return undefined;
      case 'bigint':
        return String(this.ctx.getBigInt(handle));
      default: {
        // Objects (and null) travel as JSON; toJSON and cycles behave as JSON.stringify does in the guest.
        const json = this.toJSONText(handle);
        return json === undefined ? undefined : JSON.parse(json);
      }
    }
  }
}
