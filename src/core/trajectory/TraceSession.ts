// What the successive questions of one session share in their traces: an id that starts every event id of
// the session (so ids stay unique across questions and sessions) and the counter that numbers the events
// (so seq runs on from one question's trace to the next). Each question still gets its own Trajectory,
// trace file and receipt.

import { randomBytes } from 'node:crypto';

/** Letters, digits, '_' and '-': event ids join their parts with '.', so a session id must not contain one. */
const SESSION_ID = /^[A-Za-z0-9_-]{1,64}$/;

export class TraceSession {
  readonly id: string;
  private next: number;

  /** A new session, or (with both options) one restored from an earlier trace that continues its numbering. */
  constructor(options: { id?: string; nextSeq?: number } = {}) {
    const id = options.id ?? newSessionId();
    if (!SESSION_ID.test(id)) throw new RangeError(`A session id is 1 to 64 letters, digits, '_' or '-', got ${JSON.stringify(id)}`);
    const nextSeq = options.nextSeq ?? 0;
    if (!Number.isSafeInteger(nextSeq) || nextSeq < 0) throw new RangeError(`nextSeq must be a whole number >= 0, got ${nextSeq}`);
    this.id = id;
    this.next = nextSeq;
  }

  /** The seq the session's next event will get. */
  get nextSeq(): number {
    return this.next;
  }

  /** Numbers one event. */
  takeSeq(): number {
    return this.next++;
  }
}

/** "s" and 12 random hex digits: 48 bits, so two sessions of one user practically never share an id. */
export function newSessionId(): string {
  return 's' + randomBytes(6).toString('hex');
}
