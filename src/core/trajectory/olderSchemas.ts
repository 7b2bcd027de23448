// Reads events written under an older trace schema as the current one, so viewers know one shape.
// Pure TypeScript (no Node imports): the live viewer in the webview uses endStatusOf too.

import { runStatus, type EndStatus, type RlmEvent, type StopReason } from './events';

const END_STATUSES: ReadonlySet<string> = new Set<EndStatus>(['done', 'error', 'cancelled']);

/**
 * The status an end event states or, when it states none (schema 1, or a damaged line), the one its fields
 * imply: a run by its stop reason, anything else by its error ('cancelled' is the sandbox's word for a cut cell).
 */
export function endStatusOf(event: { type: string; status?: unknown; error?: unknown; stopReason?: unknown }): EndStatus {
  if (typeof event.status === 'string' && END_STATUSES.has(event.status)) return event.status as EndStatus;
  if (event.type === 'run_end') return runStatus(event.stopReason as StopReason);
  if (event.error === 'cancelled') return 'cancelled';
  return event.error ? 'error' : 'done';
}

interface Schema1ModelText {
  type: 'model_text';
  time: number;
  seq?: number;
  parentId: string;
  delta: string;
  /** Schema 1's retry signal: drop the text streamed so far for this turn. */
  reset?: boolean;
}

/**
 * Schema 1 (traces without a header) as schema 2: every end gets the status its fields imply, and a
 * `model_text` with `reset` becomes a `retry` (schema 1 recorded neither the reason nor the delay). Sub-calls
 * keep no `fn` (schema 1 did not record which function made them) and never say when they were sent.
 */
export function upgradeSchema1(events: readonly RlmEvent[]): RlmEvent[] {
  const out: RlmEvent[] = [];
  const attempts = new Map<string, number>();
  for (const event of events) {
    switch (event.type) {
      case 'turn_end':
      case 'cell_end':
      case 'subcall_end':
      case 'run_end':
        out.push({ ...event, status: endStatusOf(event) } as RlmEvent);
        break;
      case 'model_text': {
        const { reset, ...text } = event as Schema1ModelText;
        if (reset) {
          const attempt = (attempts.get(text.parentId) ?? 1) + 1;
          attempts.set(text.parentId, attempt);
          out.push({ type: 'retry', time: text.time, seq: text.seq, parentId: text.parentId, attempt, delayMs: 0, reason: 'retried (a schema 1 trace does not say why)' });
          if (text.delta) out.push(text);
        } else {
          out.push(event);
        }
        break;
      }
      default:
        out.push(event);
    }
  }
  return out;
}
