// Watching the host thread in tests: how long it went without running a 5 ms timer while some work ran.

import { cpus, loadavg } from 'node:os';

/**
 * Tests run two files at a time on two cores, so the OS may deschedule this thread for tens of milliseconds and a
 * garbage collection may add some; the benchmark (bench/eventLoop.ts) holds the real 100 ms target in a quiet
 * process. A stall longer than this means work ran on this thread.
 */
export const HOST_STALL_LIMIT_MS = 250 * oversubscription();

/**
 * How many runnable threads share each core (the load average over the cores, at least 1) when the tests start.
 * On a machine running other work too, a thread gets that share of a core, so a gap measured in wall time is that
 * much longer for the same work on this thread.
 */
function oversubscription(): number {
  return Math.max(1, loadavg()[0]! / cpus().length);
}

/** Runs `work` while a 5 ms timer ticks; returns its value, how long it took and the longest gap between ticks. */
export async function watchingTheEventLoop<T>(work: () => Promise<T>): Promise<{ value: T; took: number; longestGapMs: number }> {
  let last = performance.now();
  let longestGapMs = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    longestGapMs = Math.max(longestGapMs, now - last);
    last = now;
  }, 5);
  const started = Date.now();
  try {
    const value = await work();
    return { value, took: Date.now() - started, longestGapMs: Math.max(longestGapMs, performance.now() - last) };
  } finally {
    clearInterval(ticker);
  }
}
