// Messages between the Sandbox (host thread) and its worker, which owns the QuickJS runtime. The worker
// exists so a guest `while(true){}` never blocks the host: the host can still cancel it, stream events and
// answer other calls. Host functions stay on the host thread, reached by messages.

import type { CellResult, HostFunctionKind, SandboxLimits } from './types';

/** Slots of the Int32Array over the shared control buffer. */
export const CONTROL_SLOTS = {
  /** Set to 1 by the host once the reply to a synchronous host call is on the reply port. */
  replyReady: 0,
  /** Id of the cell the host wants cancelled; the worker's interrupt handler polls it. */
  cancelCell: 1,
  /** 1 while the running cell's deadline clock is paused (it only waits on model calls), for the host's watchdog. */
  clockPaused: 2,
} as const;
export const CONTROL_BYTES = 4 * Object.keys(CONTROL_SLOTS).length;

export interface VariableInfo {
  name: string;
  type: string;
  summary: string;
}

export interface HostFunctionDescriptor {
  name: string;
  kind: HostFunctionKind;
}

/**
 * A value crossing back into the guest: strings travel as they are (a 100 MB string must not be re-encoded),
 * anything else as JSON text that the guest parses.
 */
export type GuestValue = { string: string } | { json: string } | { undefined: true };

export type HostCallReply =
  | { callId: number; value: GuestValue }
  | { callId: number; error: string }
  | { callId: number; pending: true };

export interface InitMessage {
  type: 'init';
  limits: SandboxLimits;
  functions: HostFunctionDescriptor[];
  globals: Record<string, unknown>;
  prelude?: string;
  control: SharedArrayBuffer;
}

export type HostToWorker =
  | InitMessage
  | { type: 'run'; cellId: number; code: string; timeoutMs: number }
  | { type: 'settle'; callId: number; value?: GuestValue; error?: string }
  | { type: 'cancel'; cellId: number };

export type WorkerToHost =
  | { type: 'ready'; variables: VariableInfo[] }
  | { type: 'initError'; message: string }
  /** `remainingMs`: the calling cell's time left before its deadline. */
  | { type: 'call'; callId: number; name: string; args: unknown[]; remainingMs: number }
  /** `fatal`: the cell left the REPL unusable (see CellOutcome); the host replaces the sandbox. */
  | { type: 'cellResult'; cellId: number; result: CellResult; variables: VariableInfo[]; fatal?: string };

/** Converts a host function's result into what crosses back into the guest. */
export function toGuestValue(value: unknown): GuestValue {
  if (typeof value === 'string') return { string: value };
  if (value === undefined) return { undefined: true };
  const json = JSON.stringify(value);
  return json === undefined ? { undefined: true } : { json };
}
