// The published benchmarks `rlm eval --suite` runs from the user's own copy of their data (no download here).

export const BENCHMARK_NAMES = ['refactorbench', 'swe-qa', 'repoqa'] as const;
export type BenchmarkName = (typeof BENCHMARK_NAMES)[number];

export function isBenchmarkName(name: string): name is BenchmarkName {
  return (BENCHMARK_NAMES as readonly string[]).includes(name);
}
