// The threads that index in the background (the walk, the parser threads, the symbol cache's) run at a lower
// scheduling priority than the thread that started them. On two cores, two parser threads and the host thread took
// turns: the extension host, which every extension shares, waited up to a few hundred milliseconds for a core while
// nothing on it was busy. At a lower priority they still use every idle core; they only yield when the host needs one.
import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/** Nice values above the starting thread's: well below its share when both want a core (about a tenth under Linux). */
export const BACKGROUND_NICENESS = 10;

/**
 * Lowers the calling thread's priority (Linux, where a thread has its own: `/proc/thread-self` names it). Elsewhere,
 * or where it is not allowed, the thread keeps its priority: nothing fails for it.
 */
export function runInBackground(): void {
  if (process.platform !== 'linux') return;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    // A new thread starts with the priority of the one that started it.
    if (Number.isInteger(tid) && tid > 0 && tid !== process.pid) setPriority(tid, Math.min(19, getPriority(tid) + BACKGROUND_NICENESS));
  } catch {
    // no /proc, or a sandbox that forbids it
  }
}
