// The edits a question's run proposed, under its answer: each file with its +/- counts and status (clean,
// merged, conflicted, resolved), what is left to decide hunk by hunk, and the buttons: open the diff (a file, or
// all of them), accept or reject a hunk or a file, Accept All, merge a conflict, run the validation command.
// A sensitive file (it can make tools run commands, or holds secrets) is marked with why, is not in Accept All,
// and its own Accept says it asks first. Nothing here changes a file: every button asks the host, which
// applies in the editor (one undo each), and asks in its own modal before a sensitive file.

import * as l10n from '@vscode/l10n';
import { html, nothing } from 'lit';
import type { Review, ReviewFile, ReviewHunk, ReviewStatus, ReviewValidation } from '../../../src/protocol/messages';
import { formatChange, formatDuration } from '../../shared/format';

export interface ChangeSetHandlers {
  open(exchangeId: string, path?: string): void;
  accept(exchangeId: string, path?: string, hunk?: string): void;
  reject(exchangeId: string, path: string, hunk: string | undefined, rejected: boolean): void;
  resolve(exchangeId: string, path: string): void;
  validate(exchangeId: string): void;
  stopValidation(exchangeId: string): void;
  /** Shows or hides a file's hunks. */
  toggle(exchangeId: string, path: string): void;
  /** Whether a file's hunks show (the page remembers the reader's choice). */
  expanded(exchangeId: string, path: string, files: number): boolean;
}

function statusWord(status: ReviewStatus): string {
  switch (status) {
    case 'clean': return l10n.t('clean');
    case 'merged': return l10n.t('merged');
    case 'conflicted': return l10n.t('conflicted');
    case 'resolved': return l10n.t('resolved');
  }
}

function statusTitle(status: ReviewStatus): string {
  switch (status) {
    case 'clean': return l10n.t('The file is as the run read it: the proposal applies as it is.');
    case 'merged': return l10n.t('The file changed since the run read it: the proposal was re-applied onto it by three-way merge.');
    case 'conflicted': return l10n.t('Nothing of this file is applied until the conflict is merged.');
    case 'resolved': return l10n.t('Your merge is the proposal now.');
  }
}

/** While the host reads the files (a reload, a first show). */
export function changeSetLoading(size: { files: number; added: number; removed: number }) {
  return html`<section class="change-set" data-testid="change-set-loading" aria-busy="true">
    <header class="change-set-head"><span class="change-set-title">${l10n.t('Proposed changes')}</span>${totals(size)}</header>
    <div class="review-message">${l10n.t('Reading the files…')}</div>
  </section>`;
}

export function changeSetView(review: Review, on: ChangeSetHandlers) {
  const x = review.exchangeId;
  if (review.error) {
    return html`<section class="change-set" data-testid="change-set" data-exchange-id=${x}><div class="problem" role="alert" data-testid="review-error">${review.error}</div></section>`;
  }
  const busy = review.busy === true;
  const acceptable = review.files.some((f) => f.status !== 'conflicted' && !f.heldBack && f.hunks.some((h) => !h.rejected));
  const heldBack = review.files.filter((f) => f.heldBack && f.hunks.some((h) => !h.rejected)).length;
  const sensitive = review.files.filter((f) => f.sensitive).length;
  const applied = review.files.some((f) => f.applied > 0);
  const running = review.validation?.state === 'running';
  return html`<section class="change-set" data-testid="change-set" data-exchange-id=${x} aria-busy=${busy ? 'true' : 'false'}>
    <header class="change-set-head">
      <span class="change-set-title">${l10n.t('Proposed changes')}</span>
      ${totals(review.totals)}
      ${sensitive > 0 ? html`<span class="status status-sensitive" data-testid="review-sensitive-count" title=${l10n.t('Files that can make tools run commands, or hold secrets: each is applied only on its own accept')}>${l10n.t('{0} sensitive', sensitive)}</span>` : nothing}
      <span class="head-buttons">
        <vscode-button secondary data-testid="review-open-all" ?disabled=${review.files.length === 0} @click=${() => on.open(x)} title=${l10n.t('Every file against its proposal, in one view')}>${l10n.t('Open changes')}</vscode-button>
        <vscode-button data-testid="review-accept-all" ?disabled=${busy || !acceptable} @click=${() => on.accept(x)} title=${acceptAllTitle(heldBack)}>${l10n.t('Accept All')}</vscode-button>
      </span>
    </header>
    <ul class="review-files">${review.files.map((f) => fileView(x, f, busy, review.files.length, on))}</ul>
    ${review.message ? html`<div class="review-message" data-testid="review-message" role="status">${review.message}</div>` : nothing}
    ${review.validation ? validationView(x, review.validation, on) : nothing}
    ${review.validateCommand && applied && !running
      ? html`<div class="review-validate"><vscode-button secondary data-testid="review-validate" @click=${() => on.validate(x)} title=${l10n.t('Runs {0} (rlm.validateCommand) in the folder: asks first, and saves the changed files', review.validateCommand)}>${review.validation ? l10n.t('Run the validation again') : l10n.t('Run the validation')}</vscode-button></div>`
      : nothing}
  </section>`;
}

function acceptAllTitle(heldBack: number): string {
  if (heldBack === 0) return l10n.t('Apply every change not rejected, in files without a conflict: one edit, one undo');
  return heldBack === 1
    ? l10n.t('Apply every change not rejected, in files without a conflict: one edit, one undo. Leaves out 1 file to accept on its own (sensitive, or a semantic conflict)')
    : l10n.t('Apply every change not rejected, in files without a conflict: one edit, one undo. Leaves out {0} files to accept on their own (sensitive, or a semantic conflict)', heldBack);
}

function totals(size: { files: number; added: number; removed: number }) {
  return html`<span class="counts" data-field="totals">${size.files === 1 ? l10n.t('1 file') : l10n.t('{0} files', size.files)} <span class="added">+${size.added}</span> <span class="removed">-${size.removed}</span></span>`;
}

/** The Accept button's label and title, for a file's changes or one hunk: a sensitive file's says the host asks first. */
function acceptLabel(f: ReviewFile, hunk: boolean): { label: string; title: string } {
  if (!f.sensitive) return { label: l10n.t('Accept'), title: hunk ? l10n.t('Apply this change alone: one edit, one undo') : l10n.t("Apply this file's changes not rejected: one edit, one undo") };
  return {
    label: l10n.t('Accept…'),
    title: hunk
      ? l10n.t('Apply this change alone: a sensitive file, so VS Code asks first. One edit, one undo')
      : l10n.t("Apply this file's changes not rejected: a sensitive file, so VS Code asks first. One edit, one undo"),
  };
}

function fileView(x: string, f: ReviewFile, busy: boolean, files: number, on: ChangeSetHandlers) {
  const open = f.hunks.length > 0 && on.expanded(x, f.path, files);
  const pending = f.hunks.filter((h) => !h.rejected).length;
  const blocked = f.status === 'conflicted';
  const wholeRejected = !f.perHunk && f.hunks[0]?.rejected === true;
  const accept = acceptLabel(f, false);
  return html`<li class="review-file" data-testid="review-file" data-path=${f.path} data-status=${f.status} data-progress=${f.progress} data-sensitive=${f.sensitive ? 'true' : 'false'}>
    <div class="review-file-row">
      <button class="toggle" aria-expanded=${open ? 'true' : 'false'} aria-label=${open ? l10n.t('Hide the changes of {0}', f.path) : l10n.t('Show the changes of {0}', f.path)} ?disabled=${f.hunks.length === 0} @click=${() => on.toggle(x, f.path)}>${open ? '▾' : '▸'}</button>
      <a href="#" class="review-file-name" data-testid="review-file-open" title=${l10n.t('Open {0} against the proposal in the diff editor', f.path)} @click=${(e: Event) => { e.preventDefault(); on.open(x, f.path); }}>${f.path}</a>
      ${f.from ? html`<span class="from">${l10n.t('from {0}', f.from)}</span>` : nothing}
      <span class="counts"><span class="added">+${f.added}</span> <span class="removed">-${f.removed}</span></span>
      <span class=${`status status-${f.status}`} data-testid="review-status" title=${statusTitle(f.status)}>${f.change === 'modify' ? statusWord(f.status) : l10n.t('{0}, {1}', formatChange(f.change), statusWord(f.status))}</span>
      ${f.sensitive ? html`<span class="status status-sensitive" data-testid="review-sensitive-badge" title=${f.sensitive}>${l10n.t('sensitive')}</span>` : nothing}
      ${progressLabel(f)}
      <span class="row-buttons">
        ${blocked && f.canResolve ? html`<vscode-button data-testid="review-resolve" ?disabled=${busy} @click=${() => on.resolve(x, f.path)} title=${l10n.t('Open the merge editor: base, both versions, and the result')}>${l10n.t('Merge…')}</vscode-button>` : nothing}
        ${!blocked && pending > 0 ? html`<vscode-button data-testid="review-accept-file" ?disabled=${busy} @click=${() => on.accept(x, f.path)} title=${accept.title}>${accept.label}</vscode-button>` : nothing}
        ${!blocked && pending > 0 ? html`<vscode-button secondary data-testid="review-reject-file" ?disabled=${busy} @click=${() => on.reject(x, f.path, undefined, true)} title=${l10n.t("Leave this file's changes out")}>${l10n.t('Reject')}</vscode-button>` : nothing}
        ${wholeRejected ? html`<vscode-button secondary data-testid="review-unreject-file" ?disabled=${busy} @click=${() => on.reject(x, f.path, undefined, false)}>${l10n.t('Undo reject')}</vscode-button>` : nothing}
      </span>
    </div>
    ${f.sensitive ? html`<div class="review-note sensitive" data-testid="review-sensitive" role="note">${l10n.t('Sensitive: {0}. Not in Accept All: read the diff, then accept it on its own.', f.sensitive)}</div>` : nothing}
    ${f.notes.map((note) => html`<div class=${`review-note ${blocked ? 'blocked' : ''}`} data-testid="review-note">${note}</div>`)}
    ${open ? html`<div class="hunks">${f.hunks.map((h) => hunkView(x, f, h, busy, on))}</div>` : nothing}
  </li>`;
}

function progressLabel(f: ReviewFile) {
  const rejected = f.hunks.filter((h) => h.rejected).length;
  const text = f.progress === 'applied' ? l10n.t('applied')
    : f.progress === 'rejected' ? l10n.t('rejected')
      : f.progress === 'partly' ? l10n.t('{0} applied, {1} rejected', f.applied, rejected)
        : f.applied > 0 ? l10n.t('{0} applied', f.applied) : '';
  return text ? html`<span class=${`progress progress-${f.progress}`} data-testid="review-progress">${text}</span>` : nothing;
}

function hunkView(x: string, f: ReviewFile, h: ReviewHunk, busy: boolean, on: ChangeSetHandlers) {
  const perHunk = f.perHunk && f.status !== 'conflicted';
  const accept = acceptLabel(f, true);
  const where = h.oldLines === 0 ? l10n.t('after line {0}', h.line - 1) : h.oldLines === 1 ? l10n.t('line {0}', h.line) : l10n.t('lines {0}-{1}', h.line, h.line + h.oldLines - 1);
  return html`<div class="hunk" data-testid="review-hunk" data-hunk=${h.key} data-rejected=${h.rejected ? 'true' : 'false'}>
    <div class="hunk-head">
      <span class="where">${f.change === 'modify' ? where : formatChange(f.change)}</span>
      <span class="counts"><span class="added">+${h.added}</span> <span class="removed">-${h.removed}</span></span>
      ${h.rejected ? html`<span class="progress progress-rejected">${l10n.t('rejected')}</span>` : nothing}
      ${perHunk ? html`<span class="row-buttons">
        ${h.rejected
          ? html`<vscode-button secondary data-testid="review-unreject-hunk" ?disabled=${busy} @click=${() => on.reject(x, f.path, h.key, false)}>${l10n.t('Undo reject')}</vscode-button>`
          : html`<vscode-button data-testid="review-accept-hunk" ?disabled=${busy} @click=${() => on.accept(x, f.path, h.key)} title=${accept.title}>${accept.label}</vscode-button>
            <vscode-button secondary data-testid="review-reject-hunk" ?disabled=${busy} @click=${() => on.reject(x, f.path, h.key, true)}>${l10n.t('Reject')}</vscode-button>`}
      </span>` : nothing}
    </div>
    <pre class="hunk-lines">${h.preview.map((line) => html`<span class=${line.startsWith('+') ? 'add' : line.startsWith('-') ? 'del' : ''}>${line}</span>\n`)}${h.more > 0 ? html`<span class="more">${h.more === 1 ? l10n.t('… 1 more line: open the diff') : l10n.t('… {0} more lines: open the diff', h.more)}</span>` : nothing}</pre>
  </div>`;
}

function validationView(x: string, v: ReviewValidation, on: ChangeSetHandlers) {
  const verdict = v.state === 'running' ? l10n.t('running…')
    : v.state === 'passed' ? l10n.t('passed')
      : v.state === 'stopped' ? l10n.t('stopped')
        : v.exitCode === null || v.exitCode === undefined ? l10n.t('failed') : l10n.t('failed (exit code {0})', v.exitCode);
  return html`<div class="validation" data-testid="validation" data-state=${v.state}>
    <div class="validation-head">
      <span>${l10n.t('Validation')}</span>
      <code>${v.command}</code>
      <span class=${`verdict verdict-${v.state}`} data-testid="validation-verdict">${verdict}</span>
      ${v.durationMs !== undefined ? html`<span class="time">${formatDuration(v.durationMs)}</span>` : nothing}
      ${v.state === 'running' ? html`<vscode-button secondary data-testid="validation-stop" @click=${() => on.stopValidation(x)}>${l10n.t('Stop')}</vscode-button>` : nothing}
    </div>
    ${v.outputTail ? html`<details ?open=${v.state === 'failed'}><summary>${l10n.t('Output (the end)')}</summary><pre class="validation-output" data-testid="validation-output">${v.outputTail}</pre></details>` : nothing}
  </div>`;
}
