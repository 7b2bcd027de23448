// The refactor summary a reviewer reads (the CLI's --summary): files touched, lines added and removed per
// partition, conflicts and how they ended, the validation command's result, and a receipt that ties the
// change to its run.
import type { ApplyReport } from './applyChanges';
import type { ChangeSet } from './ChangeSet';
import { unresolvedConflicts, type Conflict, type Resolution } from './conflicts';
import type { PartitionStat } from './integrate';
import { sha256 } from './lineDiff';

/** The user's test command, run after applying (never one the model wrote). */
export interface ValidationResult {
  command: string;
  /** null when it was killed by a signal or timed out. */
  exitCode: number | null;
  /** The last lines of its output. */
  outputTail: string;
  durationMs?: number;
}

export interface SummaryInput {
  /** The task, as the user asked it. */
  title?: string;
  changes: ChangeSet;
  /** From integrate(): partitions, conflicts, resolutions (absent for a run without partitions). */
  integration?: { partitions: readonly PartitionStat[]; conflicts: readonly Conflict[]; resolutions: readonly Resolution[] };
  /** null or absent: no validation command was given. */
  validation?: ValidationResult | null;
  /** A validation command that was given but not run, and why (validationGate.ts). */
  validationSkipped?: { command: string; reason: string };
  /** The change set's sensitive files, path -> why (sensitive.ts). */
  sensitive?: ReadonlyMap<string, string>;
  apply?: ApplyReport;
  /** The trace's receipt (TraceWriter / Trajectory.receipt().sha256). */
  traceSha256?: string;
}

export interface ChangeReceipt {
  sha256: string;
  /** The text hashed, one line per fact: what a reviewer recomputes. */
  covers: string;
}

const RECEIPT_HEADER = 'rlm-change-receipt 1';
const OUTPUT_TAIL_LINES = 40;

/**
 * SHA-256 over the base texts, the change set and the trajectory: the UTF-8 text of the header line, then per
 * file in path order `base <TAB> <old path> <TAB> <sha256 of its base, or absent>` and `text <TAB> <path> <TAB>
 * <sha256 of its new text, or deleted>`, then `trajectory <TAB> <the trace receipt's sha256, or none>`, each line
 * ending in '\n'.
 */
export function changeReceipt(changes: ChangeSet, traceSha256?: string): ChangeReceipt {
  const lines = [RECEIPT_HEADER];
  for (const f of changes.files()) {
    lines.push(`base\t${f.from ?? f.path}\t${f.baseSha256 ?? 'absent'}`);
    lines.push(`text\t${f.path}\t${f.text === undefined ? 'deleted' : sha256(f.text)}`);
  }
  lines.push(`trajectory\t${traceSha256 ?? 'none'}`);
  const covers = lines.join('\n') + '\n';
  return { sha256: sha256(covers), covers };
}

export async function refactorSummary(input: SummaryInput): Promise<string> {
  const { changes, integration } = input;
  const stats = await changes.summary();
  const conflicts = integration?.conflicts ?? [];
  const open = new Set(unresolvedConflicts(conflicts, changes));
  const out: string[] = ['# Refactor summary', ''];
  if (input.title) out.push(`> ${input.title.replace(/\n/g, '\n> ')}`, '');

  const added = stats.reduce((n, s) => n + s.added, 0);
  const removed = stats.reduce((n, s) => n + s.removed, 0);
  out.push(`## Files touched (${stats.length}, +${added} −${removed})`, '');
  if (stats.length === 0) out.push('No file was changed.', '');
  else {
    const applied = new Map(input.apply ? [...input.apply.applied, ...input.apply.merged, ...input.apply.refused].map((e) => [e.path, e]) : []);
    out.push(`| file | change | + | − | status |${input.apply ? ' applied |' : ''}`, `|---|---|---|---|---|${input.apply ? '---|' : ''}`);
    for (const s of stats) {
      const what = s.change === 'rename' ? `renamed from \`${cell(s.from!)}\`` : s.change;
      const a = applied.get(s.path);
      const status = statusOf(s.path, s.from, conflicts, open, integration?.resolutions ?? []) + (input.sensitive?.has(s.path) ? ', **sensitive**' : '');
      out.push(`| \`${cell(s.path)}\` | ${what} | ${s.added} | ${s.removed} | ${status} |${a ? ` ${a.status}: ${cell(a.message)} |` : input.apply ? ' |' : ''}`);
    }
    out.push('');
  }
  if (input.sensitive && input.sensitive.size > 0) {
    out.push('Sensitive files (they can make tools run commands, or hold secrets: review each on its own):', '');
    for (const why of input.sensitive.values()) out.push(`- ${why}`);
    out.push('');
  }

  if (integration && integration.partitions.length > 0) {
    out.push('## Partitions', '', '| partition | instruction | files | + | − |', '|---|---|---|---|---|');
    for (const p of integration.partitions) out.push(`| ${cell(p.partition)} | ${cell(p.instruction ?? '')} | ${p.files} | ${p.added} | ${p.removed} |`);
    out.push('');
  }

  if (integration) {
    out.push('## Conflicts', '');
    if (conflicts.length === 0) out.push('None.');
    for (const c of conflicts) {
      const state = open.has(c) ? '**unresolved**' : 'resolved by the root model (proposed again after integration)';
      out.push(`- ${c.id} (${c.kind}) in ${c.paths.map((p) => `\`${p}\``).join(', ')} between ${c.partitions.map((p) => `"${p}"`).join(' and ')}: ${state}.` +
        (c.semantic ? ` \`${c.semantic.name}\` removed at ${c.semantic.removed.path}:${c.semantic.removed.line}, used at ${c.semantic.used.path}:${c.semantic.used.line}.` : ''));
    }
    if (integration.resolutions.length > 0) {
      out.push('', 'Resolved during integration:');
      for (const r of integration.resolutions) out.push(`- \`${r.path}\` (${r.kind}, ${r.partitions.map((p) => `"${p}"`).join(' + ')}): ${r.how}.`);
    }
    out.push('');
  }

  out.push('## Validation', '');
  const v = input.validation;
  if (input.validationSkipped) out.push(`\`${input.validationSkipped.command}\` was not run: ${input.validationSkipped.reason}`);
  else if (!v) out.push('No validation command was given.');
  else {
    const verdict = v.exitCode === 0 ? 'passed' : v.exitCode === null ? 'did not finish (killed or timed out)' : `failed (exit code ${v.exitCode})`;
    out.push(`\`${v.command}\` ${verdict}${v.durationMs !== undefined ? ` in ${(v.durationMs / 1000).toFixed(1)} s` : ''}.`);
    const tail = v.outputTail.replace(/\s+$/, '').split('\n').slice(-OUTPUT_TAIL_LINES).join('\n');
    if (tail) out.push('', '```text', tail.replace(/```/g, '`\u200b``'), '```');
  }
  out.push('');

  const receipt = changeReceipt(changes, input.traceSha256);
  out.push('## Receipt', '', `SHA-256 \`${receipt.sha256}\` over the base texts, the change set and the trajectory` +
    `${input.traceSha256 ? ` (trace receipt \`${input.traceSha256}\`)` : ' (no trace was written)'}; recompute it with \`changeReceipt()\` (src/core/edits/summary.ts).`, '');
  return out.join('\n');
}

function statusOf(path: string, from: string | undefined, conflicts: readonly Conflict[], open: ReadonlySet<Conflict>, resolutions: readonly Resolution[]): string {
  const mine = conflicts.filter((c) => c.paths.includes(path) || (from !== undefined && c.paths.includes(from)));
  if (mine.some((c) => open.has(c))) return `conflicted (${mine.filter((c) => open.has(c)).map((c) => c.id).join(', ')})`;
  if (mine.length > 0) return `resolved (${mine.map((c) => c.id).join(', ')})`;
  if (resolutions.some((r) => r.path === path)) return 'merged';
  return 'clean';
}

/** A table cell: no line breaks, no column separators. */
function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}
