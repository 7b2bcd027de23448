// How an ended question reads in VS Code's Chat view: the references (the files the run read), the answer with
// its `path:line` anchors, why it stopped when that was not a final answer (with the buttons that fix it), the
// proposed changes with their sensitive files named, a footer of figures, and the buttons to the run's tree and
// to the review. No `vscode` here: the parts go to a ReplySink (the participant's ChatResponseStream).

import { formatCost } from '../../core/models/costText';
import type { ProposedFiles } from '../../core/edits/proposalReport';
import type { Exchange } from '../../protocol/messages';
import type { PathRef } from '../../../webview/shared/pathRefs';
import { formatDuration, formatStopReason } from '../../../webview/shared/format';
import { COMMANDS } from '../commandIds';
import { answerParts } from './answerParts';

export interface ReplySink {
  markdown(text: string): void;
  /** A reference in the answer, as an anchor to `file` (absolute) at its lines. */
  anchor(file: string, ref: PathRef, title: string): void;
  /** A file the answer rests on (absolute). */
  reference(file: string): void;
  button(title: string, command: string, args: unknown[]): void;
}

export interface ReplyInput {
  exchange: Exchange;
  /** Turns and sub-calls, when the run got that far. */
  run?: { iterations: number; subCalls: number };
  /** Workspace paths the run's code read, in order. */
  readPaths: readonly string[];
  /** Workspace path -> absolute path, for the paths that name a file of the folder (others stay text). */
  files: ReadonlyMap<string, string>;
  proposed?: ProposedFiles;
}

export function renderReply(sink: ReplySink, input: ReplyInput): void {
  const { exchange } = input;
  for (const path of input.readPaths) {
    const file = input.files.get(path);
    if (file) sink.reference(file);
  }
  if (exchange.status === 'error') {
    sink.markdown(`**RLM could not answer.** ${exchange.detail ?? 'The run failed.'}`);
  } else {
    if (exchange.answer) {
      // A reference to no file of the folder stays text, joined with the text around it.
      let text = '';
      for (const part of answerParts(exchange.answer)) {
        const file = part.kind === 'ref' ? input.files.get(part.ref.path) : undefined;
        if (part.kind === 'markdown' || !file) {
          text += part.text;
          continue;
        }
        if (text) sink.markdown(text);
        text = '';
        sink.anchor(file, part.ref, part.text.replace(/`/g, ''));
      }
      if (text) sink.markdown(text);
    }
    if (exchange.stopReason !== 'final') {
      const what = exchange.status === 'cancelled' ? 'Stopped' : `Stopped before a final answer (${formatStopReason(exchange.stopReason)})`;
      sink.markdown(`\n\n**${what}.** ${exchange.detail ?? ''}${exchange.answer ? ' The answer above is the best the run had.' : ''}`);
    }
  }
  for (const action of exchange.actions ?? []) sink.button(action.label, action.command, action.args ?? []);
  if (input.proposed) sink.markdown(changesText(input.proposed));
  const footer = footerText(exchange, input.run);
  if (footer) sink.markdown(`\n\n*${footer}*`);
  if (!exchange.noRun) sink.button('Show the run', COMMANDS.showRun, [exchange.id]);
  if (input.proposed) sink.button('Review the changes', COMMANDS.reviewChanges, [exchange.id]);
}

/** The proposed files, sensitive ones first (one hidden in a long list must not go unseen), at most 20 named. */
function changesText(proposed: ProposedFiles): string {
  const n = proposed.files.length;
  const lines = [`\n\n**Proposed changes: ${n} file${n === 1 ? '' : 's'}, +${proposed.added} −${proposed.removed}.** Nothing is written until you accept them in the review.`];
  const shown = [...proposed.files.filter((f) => f.sensitive), ...proposed.files.filter((f) => !f.sensitive)];
  for (const f of shown.slice(0, 20)) {
    lines.push(`- \`${f.from ? `${f.from} → ` : ''}${f.path}\` ${f.change} +${f.added} −${f.removed}${f.sensitive ? ` — **sensitive**: ${f.sensitive}; not in Accept All` : ''}`);
  }
  if (n > 20) lines.push(`- … and ${n - 20} more`);
  if (proposed.unresolvedConflicts > 0) lines.push(`\n${proposed.unresolvedConflicts} conflict${proposed.unresolvedConflicts === 1 ? '' : 's'} between partitions to resolve in the review.`);
  return lines.join('\n');
}

function footerText(exchange: Exchange, run: ReplyInput['run']): string {
  if (exchange.noRun) return '';
  const parts: string[] = [];
  if (run) parts.push(`${run.iterations} turn${run.iterations === 1 ? '' : 's'}`, `${run.subCalls} sub-call${run.subCalls === 1 ? '' : 's'}`);
  parts.push(`cost ${formatCost(exchange.costUsd ?? 0, exchange.unpricedCalls ?? 0)}`);
  if (exchange.unpricedCalls) parts.push(`${exchange.unpricedCalls} request${exchange.unpricedCalls === 1 ? '' : 's'} to models with no known price`);
  if (exchange.durationMs !== undefined) parts.push(formatDuration(exchange.durationMs));
  return parts.join(' · ');
}
