// One question and its answer: the question (with its focus), then the streamed text while it runs, the
// answer rendered as Markdown, or the problem with the buttons that fix it; a footer with the run's figures.

import * as l10n from '@vscode/l10n';
import { html, nothing } from 'lit';
import { ANSWER_SHOWN_CHARS, type Action, type Exchange, type Focus, type Review } from '../../../src/protocol/messages';
import { formatCost, formatDuration, formatSavings, formatStatus, formatStopReason, formatTokens } from '../../shared/format';
import type { MarkdownCache } from '../../shared/MarkdownCache';
import { PATH_REF_CLASS } from '../../shared/markdown';
import { shownPartView } from '../../shared/shownPart';
import type { RunProgress } from '../RunProgress';
import { actionButtons } from './actions';
import { changeSetLoading, changeSetView, type ChangeSetHandlers } from './changeSet';

/** Streamed text is re-rendered as Markdown at most this often (a few times a second reads as live). */
const STREAM_RENDER_MS = 100;

export interface ExchangeHandlers {
  runAction(action: Action): void;
  showRun(exchangeId: string): void;
  /** Opens the whole answer in an editor (the host has it; the chat keeps its start). */
  openAnswer(exchangeId: string): void;
  review: ChangeSetHandlers;
}

export function exchangeView(x: Exchange, progress: RunProgress | undefined, review: Review | undefined, markdown: MarkdownCache, on: ExchangeHandlers) {
  return html`<article class="exchange" data-testid="exchange" data-exchange-id=${x.id} data-status=${x.status}>
    <div class="question" data-testid="question-text">${attachedView(x.attached)}${x.focus ? focusChip(x.focus) : nothing}<span class="text">${x.question}</span></div>
    ${x.status === 'running' ? runningView(x, progress, markdown) : endedView(x, review, markdown, on)}
  </article>`;
}

/** What was attached to the question, by name. */
function attachedView(attached: readonly string[] | undefined) {
  if (!attached?.length) return nothing;
  return html`<div class="attached" data-testid="attached" aria-label=${l10n.t('Attached')}>${attached.map((name) => html`<span class="focus">${name}</span>`)}</div>`;
}

function focusChip(focus: Focus) {
  const range = focus.endLine > focus.startLine ? `${focus.startLine}-${focus.endLine}` : `${focus.startLine}`;
  return html`<a href="#" class="focus ${PATH_REF_CLASS}" data-testid="focus-link">${focus.path}:${range}</a>`;
}

function runningView(x: Exchange, progress: RunProgress | undefined, markdown: MarkdownCache) {
  const output = progress?.currentTurn?.output ?? '';
  if (!output) return html`<div class="streamed thinking" data-testid="streamed-waiting">${l10n.t('Thinking…')}</div>`;
  // A runaway model's megabytes: the start is shown, as for an answer (the trace keeps the whole turn).
  const text = output.length > ANSWER_SHOWN_CHARS ? output.slice(0, ANSWER_SHOWN_CHARS) : output;
  return html`<div class="streamed" aria-busy="true">${markdown.get(`${x.id}#stream`, text, 'streamed', STREAM_RENDER_MS)}</div>`;
}

function endedView(x: Exchange, review: Review | undefined, markdown: MarkdownCache, on: ExchangeHandlers) {
  // Why a run stopped short, or why it never started (no stop reason then: no folder picked, cut off by a reload).
  const note = x.status !== 'error' && x.stopReason !== 'final' ? x.detail : undefined;
  return html`
    ${x.status === 'error' ? html`<div class="problem" role="alert" data-testid="error">${x.detail ?? l10n.t('The question failed.')}</div>` : nothing}
    ${note ? html`<div class="note" data-testid="stop-detail">${note}</div>` : nothing}
    ${x.actions?.length ? html`<div class="actions">${actionButtons(x.actions, 'error-action', on.runAction)}</div>` : nothing}
    ${x.answer ? answerView(x, x.answer, markdown, on) : nothing}
    ${review ? changeSetView(review, on.review) : x.changes ? changeSetLoading(x.changes) : nothing}
    ${footer(x, on)}`;
}

/** The answer as Markdown; past ANSWER_SHOWN_CHARS only its start (the host sends no more), with the way to the whole. */
function answerView(x: Exchange, answer: string, markdown: MarkdownCache, on: ExchangeHandlers) {
  const shown = answer.length > ANSWER_SHOWN_CHARS ? answer.slice(0, ANSWER_SHOWN_CHARS) : answer;
  const whole = Math.max(x.answerChars ?? 0, answer.length);
  return html`
    ${whole > shown.length ? shownPartView(shown.length, whole, l10n.t('Open Whole Answer'), 'answer-cut', () => on.openAnswer(x.id)) : nothing}
    <div class="answer">${markdown.get(x.id, shown, 'answer')}</div>`;
}

function footer(x: Exchange, on: ExchangeHandlers) {
  if (x.noRun) return nothing;
  const tokens = (x.inputTokens ?? 0) + (x.outputTokens ?? 0);
  const parts = [
    x.costUsd !== undefined
      ? html`<span data-field="cost" title=${unpricedTitle(x.unpricedCalls ?? 0)}>${formatCost(x.costUsd, x.unpricedCalls)}</span>`
      : nothing,
    x.savedUsd ? html`<span data-field="saved">${formatSavings(x.savedUsd)}</span>` : nothing,
    tokens ? html`<span data-field="tokens" title=${l10n.t('{0} in, {1} out', x.inputTokens ?? 0, x.outputTokens ?? 0)}>${l10n.t('{0} tokens', formatTokens(tokens))}</span>` : nothing,
    x.durationMs !== undefined ? html`<span data-field="time">${formatDuration(x.durationMs)}</span>` : nothing,
    x.stopReason ? html`<span data-field="stop-reason">${formatStopReason(x.stopReason)}</span>` : html`<span data-field="stop-reason">${formatStatus(x.status)}</span>`,
  ];
  return html`<footer class="answer-footer" data-testid="answer-footer">
    ${parts}
    <vscode-button secondary data-testid="show-run" @click=${() => on.showRun(x.id)}>${l10n.t('Show run')}</vscode-button>
  </footer>`;
}

function unpricedTitle(calls: number): string {
  if (calls === 0) return '';
  return calls === 1
    ? l10n.t('1 request to a model with no known price is not counted in dollars')
    : l10n.t('{0} requests to a model with no known price are not counted in dollars', calls);
}
