// `rlm replay`: a trace file as an indented tree with tokens, cost and time per node.

import type { Trace } from '../core/trajectory/readTrace';
import { TrajectoryTree, type TreeNode } from '../core/trajectory/TrajectoryTree';

const oneLine = (text: string | undefined, max: number) => {
  const flat = (text ?? '').replace(/\s+/g, ' ').trim();
  return flat.length > max ? flat.slice(0, max - 1) + '…' : flat;
};

function figures(node: TreeNode): string {
  const parts: string[] = [];
  if (node.inputTokens !== undefined || node.outputTokens !== undefined) parts.push(`${node.inputTokens ?? 0}+${node.outputTokens ?? 0} tok`);
  if (node.costUsd !== undefined) parts.push(`$${node.costUsd.toFixed(4)}`);
  if (node.durationMs !== undefined) parts.push(`${(node.durationMs / 1000).toFixed(2)}s`);
  else parts.push('unfinished');
  return parts.join(', ');
}

function describe(node: TreeNode): string {
  switch (node.kind) {
    case 'run':
      return `${node.label} "${oneLine(node.input, 70)}"${node.stopReason ? ` -> ${node.stopReason}` : ''}`;
    case 'turn':
      return node.label;
    case 'cell':
      return `${node.label}: ${oneLine(node.input, 60)}${node.error ? `  !! ${oneLine(node.error, 60)}` : ''}`;
    case 'subcall':
      return `${node.label}: ${oneLine(node.input, 50)}${node.error ? `  !! ${oneLine(node.error, 60)}` : ''}`;
  }
}

export function renderTree(trace: Trace): string {
  const tree = TrajectoryTree.from(trace.events);
  const lines: string[] = [];
  const walk = (node: TreeNode, prefix: string, last: boolean, top: boolean) => {
    lines.push(`${top ? '' : prefix + (last ? '└─ ' : '├─ ')}${describe(node)}  [${figures(node)}]`);
    const childPrefix = top ? '' : prefix + (last ? '   ' : '│  ');
    node.children.forEach((child, i) => walk(child, childPrefix, i === node.children.length - 1, false));
    if (node.kind === 'run' && node.output !== undefined) lines.push(`${childPrefix}   answer: ${oneLine(node.output, 100)}`);
  };
  tree.roots.forEach((root) => walk(root, '', true, true));
  const receipt = trace.receipt === 'valid' ? `receipt ok (sha256 ${trace.sha256?.slice(0, 16)}…)`
    : trace.receipt === 'missing' ? 'no receipt: the run did not finish writing this trace (crash or kill)'
    : 'RECEIPT MISMATCH: the trace was changed after it was written';
  lines.push('', `${trace.events.length} events; ${receipt}`);
  return lines.join('\n');
}

export function replayJson(trace: Trace): object {
  const tree = TrajectoryTree.from(trace.events);
  return { receipt: trace.receipt, sha256: trace.sha256, events: trace.events.length, tree: tree.roots };
}
