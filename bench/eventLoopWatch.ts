// How long the host thread is held, measured two ways at once: perf_hooks.monitorEventLoopDelay (5 ms resolution)
// and the longest gap between two ticks of a 5 ms interval timer (a stall the histogram's sampling might blur).
// One watch for every bench phase that measures the host thread (eventLoopPhase.ts, monorepoPhase.ts).
import { monitorEventLoopDelay } from 'node:perf_hooks';

const TICK_MS = 5;

export interface EventLoopFigures {
  maxMs: number;
  p99Ms: number;
  /** The longest gap between two ticks of the 5 ms timer, minus the 5 ms. */
  maxGapMs: number;
}

/** Starts watching the host thread; stop() ends the watch and says what it saw. */
export function watchEventLoop(): { stop(): EventLoopFigures } {
  const histogram = monitorEventLoopDelay({ resolution: TICK_MS });
  let last = performance.now();
  let maxGapMs = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    maxGapMs = Math.max(maxGapMs, now - last - TICK_MS);
    last = now;
  }, TICK_MS);
  histogram.enable();
  return {
    stop() {
      histogram.disable();
      clearInterval(ticker);
      return { maxMs: histogram.max / 1e6, p99Ms: histogram.percentile(99) / 1e6, maxGapMs: Math.max(0, maxGapMs) };
    },
  };
}
