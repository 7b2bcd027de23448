// `rlm replay`: a trace file as an indented tree. Each line shows the node's status and its figures rolled
// up over everything under it (tokens, cost, time, sub-calls), then what the reader had to skip or derive.

import { formatCost, formatSavings } from '../core/models/costText';
import { TRACE_SCHEMA_VERSION } from '../core/trajectory/events';
import type { Trace } from '../core/trajectory/readTrace';
import { TrajectoryTree, type TreeAnomalies, type TreeNode } from '../core/trajectory/TrajectoryTree';

const oneLine = (text: string | undefined, max: number) => {
  const flat = (text ?? '').replace(/\s+/g, ' ').trim();
  return flat.length > max ? flat.slice(0, max - 1) + '…' : flat;
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)}s`;

function figures(node: TreeNode): string {
  const { total } = node;
  // A file is read after the fact: a node that never ended did not finish (a crash, or a writer's bug).
  const parts: string[] = [node.endTime === undefined ? `unfinished (${node.status})` : node.status];
  const billed = node.kind === 'turn' || node.kind === 'subcall' || node.kind === 'compaction';
  if (billed || total.inputTokens + total.outputTokens > 0) {
    const cached = total.cachedInputTokens > 0 ? ` (${total.cachedInputTokens} cached)` : '';
    const saved = total.savedUsd !== 0 ? ` (${formatSavings(total.savedUsd)})` : '';
    parts.push(`${total.estimated ? '~' : ''}${total.inputTokens}+${total.outputTokens} tok${cached}`, `${formatCost(total.costUsd, total.unpriced)}${saved}`);
  }
  parts.push(seconds(total.elapsedMs));
  if (node.kind === 'subcall' && node.sentTime !== undefined && node.sentTime - node.startTime >= 10) {
    parts.push(`queued ${seconds(node.sentTime - node.startTime)}`);
  }
  // A sub-call counts itself; say how many a container holds.
  if (node.kind !== 'subcall' && total.subCalls - node.own.subCalls > 0) parts.push(plural(total.subCalls - node.own.subCalls, 'sub-call'));
  if ((node.kind === 'turn' || node.kind === 'subcall') && node.retries > 0) parts.push(`${node.retries} ${node.retries === 1 ? 'retry' : 'retries'}`);
  const errorsBelow = total.errors - node.own.errors;
  if (errorsBelow > 0) parts.push(`${plural(errorsBelow, 'error')} below`);
  return parts.join(' · ');
}

function describe(node: TreeNode): string {
  const failure = node.error ? `  !! ${oneLine(node.error, 60)}` : '';
  switch (node.kind) {
    case 'run':
      return `${node.label} "${oneLine(node.input, 70)}"${node.stopReason ? ` -> ${node.stopReason}` : ''}`;
    case 'turn':
      return node.label + failure;
    case 'cell':
      return `${node.label}: ${oneLine(node.input, 60)}${failure}`;
    case 'subcall':
      return `${node.label}: ${oneLine(node.input, 50)}${failure}`;
    case 'edit':
      return `proposed ${node.label}${node.input ? `: ${oneLine(node.input, 60)}` : ''}`;
    case 'compaction':
      return `${node.label}${node.tokensAfter !== undefined ? ` -> ${node.tokensAfter.toLocaleString('en-US')}` : ''}${failure}`;
  }
}

export function renderTree(trace: Trace): string {
  const tree = TrajectoryTree.from(trace.events);
  const lines: string[] = [];
  const walk = (node: TreeNode, prefix: string, last: boolean, top: boolean) => {
    lines.push(`${top ? '' : prefix + (last ? '└─ ' : '├─ ')}${describe(node)}  [${figures(node)}]`);
    const childPrefix = top ? '' : prefix + (last ? '   ' : '│  ');
    node.children.forEach((child, i) => walk(child, childPrefix, i === node.children.length - 1, false));
    if (node.kind === 'run') {
      if (node.detail && node.stopReason !== 'final') lines.push(`${childPrefix}   stopped: ${oneLine(node.detail, 100)}`);
      if (node.output !== undefined) lines.push(`${childPrefix}   answer: ${oneLine(node.output, 100)}`);
    }
  };
  tree.roots.forEach((root) => walk(root, '', true, true));
  const receipt = trace.receipt === 'valid' ? `receipt ok (sha256 ${trace.sha256?.slice(0, 16)}…)`
    : trace.receipt === 'missing' ? 'no receipt: the run did not finish writing this trace (crash or kill)'
    : 'RECEIPT MISMATCH: the trace was changed after it was written';
  lines.push('', `${trace.events.length} events; ${receipt}`, ...readerNotes(trace, tree.anomalies));
  if (tree.roots.length > 0) lines.push('Figures are rolled up: each line counts itself and everything under it.');
  return lines.join('\n');
}

/** What the reader could not take as written: an older or newer schema, skipped types, events that did not fit. */
function readerNotes(trace: Trace, anomalies: TreeAnomalies): string[] {
  const notes: string[] = [];
  const { header } = trace;
  if (header) {
    notes.push(`Trace schema ${trace.schema}, written by ${header.generator ?? 'an unknown program'} at ${header.createdAt ?? '?'} (session ${header.sessionId ?? '?'}).`);
  } else {
    notes.push('Schema 1 trace (written before traces had a header): statuses are derived from errors and stop reasons.');
  }
  if (trace.schema > TRACE_SCHEMA_VERSION) {
    notes.push(`This trace is newer than this reader (schema ${TRACE_SCHEMA_VERSION}): parts it does not know are left out.`);
  }
  const skipped = Object.entries(trace.skipped);
  if (skipped.length > 0) {
    const total = skipped.reduce((n, [, count]) => n + count, 0);
    notes.push(`Skipped ${plural(total, 'event')} of types this version does not know: ${skipped.map(([type, n]) => `${type} ×${n}`).join(', ')}.`);
  }
  const odd = [
    [anomalies.malformed, 'malformed'],
    [anomalies.unknownNode, 'about a node that never started'],
    [anomalies.repeated, 'repeating a start or an end'],
    [anomalies.late, 'after their node ended'],
  ].filter(([n]) => (n as number) > 0).map(([n, what]) => `${n} ${what}`);
  if (odd.length > 0) notes.push(`Events left out of the tree: ${odd.join(', ')}.`);
  if (anomalies.orphans > 0) notes.push(`${plural(anomalies.orphans, 'node')} named a parent that never started: shown at the top level.`);
  return notes;
}

export function replayJson(trace: Trace): object {
  const tree = TrajectoryTree.from(trace.events);
  return {
    schema: trace.schema,
    header: trace.header ?? null,
    receipt: trace.receipt,
    sha256: trace.sha256,
    events: trace.events.length,
    skipped: trace.skipped,
    anomalies: tree.anomalies,
    tree: tree.roots,
  };
}
