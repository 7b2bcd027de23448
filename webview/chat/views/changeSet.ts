// The edits a question's run proposed, under its answer: each file with its +/- counts and status (clean,
// merged, conflicted, resolved), what is left to decide hunk by hunk, and the buttons: open the diff (a file, or
// all of them), accept or reject a hunk or a file, Accept All, merge a conflict, run the validation command.
// A sensitive file (it can make tools run commands, or holds secrets) is marked with why, is not in Accept All,
// and its own Accept says it asks first. Nothing here changes a file: every button asks the host, which
// applies in the editor (one undo each), and asks in its own modal before a sensitive file.

import { html, nothing } from 'lit';
import type { Review, ReviewFile, ReviewHunk, ReviewValidation } from '../../../src/protocol/messages';
import { formatDuration } from '../../shared/format';

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

const STATUS_TITLES: Record<ReviewFile['status'], string> = {
  clean: 'The file is as the run read it: the proposal applies as it is.',
  merged: 'The file changed since the run read it: the proposal was re-applied onto it by three-way merge.',
  conflicted: 'Nothing of this file is applied until the conflict is merged.',
  resolved: 'Your merge is the proposal now.',
};

/** While the host reads the files (a reload, a first show). */
export function changeSetLoading(size: { files: number; added: number; removed: number }) {
  return html`<section class="change-set" data-testid="change-set-loading" aria-busy="true">
    <header class="change-set-head"><span class="change-set-title">Proposed changes</span>${totals(size)}</header>
    <div class="review-message">Reading the files…</div>
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
      <span class="change-set-title">Proposed changes</span>
      ${totals(review.totals)}
      ${sensitive > 0 ? html`<span class="status status-sensitive" data-testid="review-sensitive-count" title="Files that can make tools run commands, or hold secrets: each is applied only on its own accept">${sensitive} sensitive</span>` : nothing}
      <span class="head-buttons">
        <vscode-button secondary data-testid="review-open-all" ?disabled=${review.files.length === 0} @click=${() => on.open(x)} title="Every file against its proposal, in one view">Open changes</vscode-button>
        <vscode-button data-testid="review-accept-all" ?disabled=${busy || !acceptable} @click=${() => on.accept(x)} title=${`Apply every change not rejected, in files without a conflict: one edit, one undo${heldBack > 0 ? `. Leaves out ${heldBack} file${heldBack === 1 ? '' : 's'} to accept on ${heldBack === 1 ? 'its' : 'their'} own (sensitive, or a semantic conflict)` : ''}`}>Accept All</vscode-button>
      </span>
    </header>
    <ul class="review-files">${review.files.map((f) => fileView(x, f, busy, review.files.length, on))}</ul>
    ${review.message ? html`<div class="review-message" data-testid="review-message" role="status">${review.message}</div>` : nothing}
    ${review.validation ? validationView(x, review.validation, on) : nothing}
    ${review.validateCommand && applied && !running
      ? html`<div class="review-validate"><vscode-button secondary data-testid="review-validate" @click=${() => on.validate(x)} title=${`Runs ${review.validateCommand} (rlm.validateCommand) in the folder: asks first, and saves the changed files`}>${review.validation ? 'Run the validation again' : 'Run the validation'}</vscode-button></div>`
      : nothing}
  </section>`;
}

function totals(size: { files: number; added: number; removed: number }) {
  return html`<span class="counts" data-field="totals">${size.files} file${size.files === 1 ? '' : 's'} <span class="added">+${size.added}</span> <span class="removed">-${size.removed}</span></span>`;
}

/** The Accept button's label and title: a sensitive file's says the host asks first. */
function acceptLabel(f: ReviewFile, what: string): { label: string; title: string } {
  return f.sensitive
    ? { label: 'Accept…', title: `Apply ${what}: a sensitive file, so VS Code asks first. One edit, one undo` }
    : { label: 'Accept', title: `Apply ${what}: one edit, one undo` };
}

function fileView(x: string, f: ReviewFile, busy: boolean, files: number, on: ChangeSetHandlers) {
  const open = f.hunks.length > 0 && on.expanded(x, f.path, files);
  const pending = f.hunks.filter((h) => !h.rejected).length;
  const blocked = f.status === 'conflicted';
  const wholeRejected = !f.perHunk && f.hunks[0]?.rejected === true;
  const accept = acceptLabel(f, "this file's changes not rejected");
  return html`<li class="review-file" data-testid="review-file" data-path=${f.path} data-status=${f.status} data-progress=${f.progress} data-sensitive=${f.sensitive ? 'true' : 'false'}>
    <div class="review-file-row">
      <button class="toggle" aria-expanded=${open ? 'true' : 'false'} aria-label=${`${open ? 'Hide' : 'Show'} the changes of ${f.path}`} ?disabled=${f.hunks.length === 0} @click=${() => on.toggle(x, f.path)}>${open ? '▾' : '▸'}</button>
      <a href="#" class="review-file-name" data-testid="review-file-open" title=${`Open ${f.path} against the proposal in the diff editor`} @click=${(e: Event) => { e.preventDefault(); on.open(x, f.path); }}>${f.path}</a>
      ${f.from ? html`<span class="from">from ${f.from}</span>` : nothing}
      <span class="counts"><span class="added">+${f.added}</span> <span class="removed">-${f.removed}</span></span>
      <span class=${`status status-${f.status}`} data-testid="review-status" title=${STATUS_TITLES[f.status]}>${f.change === 'modify' ? '' : `${f.change}, `}${f.status}</span>
      ${f.sensitive ? html`<span class="status status-sensitive" data-testid="review-sensitive-badge" title=${f.sensitive}>sensitive</span>` : nothing}
      ${progressLabel(f)}
      <span class="row-buttons">
        ${blocked && f.canResolve ? html`<vscode-button data-testid="review-resolve" ?disabled=${busy} @click=${() => on.resolve(x, f.path)} title="Open the merge editor: base, both versions, and the result">Merge…</vscode-button>` : nothing}
        ${!blocked && pending > 0 ? html`<vscode-button data-testid="review-accept-file" ?disabled=${busy} @click=${() => on.accept(x, f.path)} title=${accept.title}>${accept.label}</vscode-button>` : nothing}
        ${!blocked && pending > 0 ? html`<vscode-button secondary data-testid="review-reject-file" ?disabled=${busy} @click=${() => on.reject(x, f.path, undefined, true)} title="Leave this file's changes out">Reject</vscode-button>` : nothing}
        ${wholeRejected ? html`<vscode-button secondary data-testid="review-unreject-file" ?disabled=${busy} @click=${() => on.reject(x, f.path, undefined, false)}>Undo reject</vscode-button>` : nothing}
      </span>
    </div>
    ${f.sensitive ? html`<div class="review-note sensitive" data-testid="review-sensitive" role="note">Sensitive: ${f.sensitive}. Not in Accept All: read the diff, then accept it on its own.</div>` : nothing}
    ${f.notes.map((note) => html`<div class=${`review-note ${blocked ? 'blocked' : ''}`} data-testid="review-note">${note}</div>`)}
    ${open ? html`<div class="hunks">${f.hunks.map((h) => hunkView(x, f, h, busy, on))}</div>` : nothing}
  </li>`;
}

function progressLabel(f: ReviewFile) {
  const rejected = f.hunks.filter((h) => h.rejected).length;
  const text = f.progress === 'applied' ? 'applied'
    : f.progress === 'rejected' ? 'rejected'
      : f.progress === 'partly' ? `${f.applied} applied, ${rejected} rejected`
        : f.applied > 0 ? `${f.applied} applied` : '';
  return text ? html`<span class=${`progress progress-${f.progress}`} data-testid="review-progress">${text}</span>` : nothing;
}

function hunkView(x: string, f: ReviewFile, h: ReviewHunk, busy: boolean, on: ChangeSetHandlers) {
  const perHunk = f.perHunk && f.status !== 'conflicted';
  const accept = acceptLabel(f, 'this change alone');
  const where = h.oldLines === 0 ? `after line ${h.line - 1}` : h.oldLines === 1 ? `line ${h.line}` : `lines ${h.line}-${h.line + h.oldLines - 1}`;
  return html`<div class="hunk" data-testid="review-hunk" data-hunk=${h.key} data-rejected=${h.rejected ? 'true' : 'false'}>
    <div class="hunk-head">
      <span class="where">${f.change === 'modify' ? where : f.change}</span>
      <span class="counts"><span class="added">+${h.added}</span> <span class="removed">-${h.removed}</span></span>
      ${h.rejected ? html`<span class="progress progress-rejected">rejected</span>` : nothing}
      ${perHunk ? html`<span class="row-buttons">
        ${h.rejected
          ? html`<vscode-button secondary data-testid="review-unreject-hunk" ?disabled=${busy} @click=${() => on.reject(x, f.path, h.key, false)}>Undo reject</vscode-button>`
          : html`<vscode-button data-testid="review-accept-hunk" ?disabled=${busy} @click=${() => on.accept(x, f.path, h.key)} title=${accept.title}>${accept.label}</vscode-button>
            <vscode-button secondary data-testid="review-reject-hunk" ?disabled=${busy} @click=${() => on.reject(x, f.path, h.key, true)}>Reject</vscode-button>`}
      </span>` : nothing}
    </div>
    <pre class="hunk-lines">${h.preview.map((line) => html`<span class=${line.startsWith('+') ? 'add' : line.startsWith('-') ? 'del' : ''}>${line}</span>\n`)}${h.more > 0 ? html`<span class="more">… ${h.more} more lines: open the diff</span>` : nothing}</pre>
  </div>`;
}

function validationView(x: string, v: ReviewValidation, on: ChangeSetHandlers) {
  const verdict = v.state === 'running' ? 'running…'
    : v.state === 'passed' ? 'passed'
      : v.state === 'stopped' ? 'stopped'
        : `failed${v.exitCode === null || v.exitCode === undefined ? '' : ` (exit code ${v.exitCode})`}`;
  return html`<div class="validation" data-testid="validation" data-state=${v.state}>
    <div class="validation-head">
      <span>Validation</span>
      <code>${v.command}</code>
      <span class=${`verdict verdict-${v.state}`} data-testid="validation-verdict">${verdict}</span>
      ${v.durationMs !== undefined ? html`<span class="time">${formatDuration(v.durationMs)}</span>` : nothing}
      ${v.state === 'running' ? html`<vscode-button secondary data-testid="validation-stop" @click=${() => on.stopValidation(x)}>Stop</vscode-button>` : nothing}
    </div>
    ${v.outputTail ? html`<details ?open=${v.state === 'failed'}><summary>Output (the end)</summary><pre class="validation-output" data-testid="validation-output">${v.outputTail}</pre></details>` : nothing}
  </div>`;
}
