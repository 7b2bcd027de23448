// How an ended question reads in VS Code's Chat view: the references (the files the run read), the answer with
// its `path:line` anchors, why it stopped when that was not a final answer (with the buttons that fix it), the
// proposed changes with their sensitive files named, a footer of figures, and the buttons to the run's tree and
// to the review. No `vscode` here: the parts go to a ReplySink (the participant's ChatResponseStream).

import * as l10n from '@vscode/l10n';
import type { ProposedFiles } from '../../core/edits/proposalReport';
import type { Exchange } from '../../protocol/messages';
import type { PathRef } from '../../../webview/shared/pathRefs';
import { formatCost, formatDuration, formatStopReason } from '../../../webview/shared/format';
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
    sink.markdown(`**${l10n.t('RLM could not answer.')}** ${exchange.detail ?? l10n.t('The run failed.')}`);
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
      const what = exchange.status === 'cancelled' ? l10n.t('Stopped.') : l10n.t('Stopped before a final answer ({0}).', formatStopReason(exchange.stopReason));
      sink.markdown(`\n\n**${what}** ${exchange.detail ?? ''}${exchange.answer ? ` ${l10n.t('The answer above is the best the run had.')}` : ''}`);
    }
  }
  for (const action of exchange.actions ?? []) sink.button(action.label, action.command, action.args ?? []);
  if (input.proposed) sink.markdown(changesText(input.proposed));
  const footer = footerText(exchange, input.run);
  if (footer) sink.markdown(`\n\n*${footer}*`);
  if (!exchange.noRun) sink.button(l10n.t('Show the run'), COMMANDS.showRun, [exchange.id]);
  if (input.proposed) sink.button(l10n.t('Review the changes'), COMMANDS.reviewChanges, [exchange.id]);
}

/** The proposed files, sensitive ones first (one hidden in a long list must not go unseen), at most 20 named. */
function changesText(proposed: ProposedFiles): string {
  const n = proposed.files.length;
  const head = n === 1 ? l10n.t('Proposed changes: 1 file, +{0} −{1}.', proposed.added, proposed.removed) : l10n.t('Proposed changes: {0} files, +{1} −{2}.', n, proposed.added, proposed.removed);
  const lines = [`\n\n**${head}** ${l10n.t('Nothing is written until you accept them in the review.')}`];
  const shown = [...proposed.files.filter((f) => f.sensitive), ...proposed.files.filter((f) => !f.sensitive)];
  for (const f of shown.slice(0, 20)) {
    lines.push(`- \`${f.from ? `${f.from} → ` : ''}${f.path}\` ${f.change} +${f.added} −${f.removed}${f.sensitive ? ` — ${l10n.t('**sensitive**: {0}; not in Accept All', f.sensitive)}` : ''}`);
  }
  if (n > 20) lines.push(`- ${l10n.t('… and {0} more', n - 20)}`);
  const conflicts = proposed.unresolvedConflicts;
  if (conflicts > 0) lines.push(`\n${conflicts === 1 ? l10n.t('1 conflict between partitions to resolve in the review.') : l10n.t('{0} conflicts between partitions to resolve in the review.', conflicts)}`);
  return lines.join('\n');
}

function footerText(exchange: Exchange, run: ReplyInput['run']): string {
  if (exchange.noRun) return '';
  const parts: string[] = [];
  if (run) {
    parts.push(run.iterations === 1 ? l10n.t('1 turn') : l10n.t('{0} turns', run.iterations));
    parts.push(run.subCalls === 1 ? l10n.t('1 sub-call') : l10n.t('{0} sub-calls', run.subCalls));
  }
  parts.push(l10n.t('cost {0}', formatCost(exchange.costUsd ?? 0, exchange.unpricedCalls ?? 0)));
  const unpriced = exchange.unpricedCalls ?? 0;
  if (unpriced) parts.push(unpriced === 1 ? l10n.t('1 request to models with no known price') : l10n.t('{0} requests to models with no known price', unpriced));
  if (exchange.durationMs !== undefined) parts.push(formatDuration(exchange.durationMs));
  return parts.join(' · ');
}
