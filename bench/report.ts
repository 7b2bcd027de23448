// The benchmark report: sections of rows (figure, value, target, pass/fail) rendered as markdown, and the
// machine they ran on. The machine is shared with other sessions, so the load average belongs to every run.
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';

export interface Row {
  measure: string;
  value: string;
  /** Empty for figures without a target. */
  target: string;
  /** undefined: informative only. */
  ok?: boolean;
}

export interface Section {
  title: string;
  rows: Row[];
  /** Free text after the table (method, caveats, lists). */
  notes: string[];
}

/** Above this the other sessions take a core or more away from the measured processes. */
export const BUSY_LOAD = 1.5;

export function renderSection(s: Section): string {
  const lines = [`## ${s.title}`, '', '| measure | value | target | ok |', '|---|---|---|---|'];
  for (const r of s.rows) lines.push(`| ${r.measure} | ${r.value} | ${r.target} | ${r.ok === undefined ? '' : r.ok ? 'pass' : '**FAIL**'} |`);
  if (s.notes.length > 0) lines.push('', ...s.notes);
  return lines.join('\n');
}

export function loadLine(label: string): string {
  const [one, five, fifteen] = loadavg();
  const busy = one > BUSY_LOAD ? ` **busy: load above ${BUSY_LOAD}, figures are pessimistic**` : '';
  return `load average ${label}: ${one.toFixed(2)} ${five.toFixed(2)} ${fifteen.toFixed(2)} (1, 5, 15 min)${busy}`;
}

export function machineLine(): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `${availableParallelism()} cores (${cpu}), ${(totalmem() / 2 ** 30).toFixed(0)} GB RAM, Node ${process.version}, ${process.platform}`;
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
export const megabytes = (mb: number) => `${mb.toFixed(0)} MB`;
export const ratio = (x: number) => `${x.toFixed(2)}x`;
