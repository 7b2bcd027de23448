// The reviews of a window's chats: each question whose run proposed edits keeps its change set in a file beside
// its trace (`<exchange>.changes.json`, with what the user decided and applied), and the Chat view shows it under
// the answer. The user accepts or rejects hunk by hunk, file by file or all at once; every accept is one edit
// in the editor (one undo), made only of what the stale-base guard (ChangeReview) allows now. A sensitive file
// (core/edits/sensitive.ts) is never in Accept All, and its own accept asks in a host modal first. The user's
// own validation command runs after applying, when they say so, and never when validationGate says it could run
// what the change set wrote, nor when the command changed as the files were saved.
//
// No `vscode` here: the editor's part (reading open documents, the WorkspaceEdit, the diff and merge editors, the
// modal) comes in as ReviewEditor, so this is tested in plain Node. Work per message stays small: each review's
// operations run one at a time, reading and diffing yield to the event loop between files, and the validation
// command is a child process.

import * as l10n from '@vscode/l10n';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { SensitivePaths } from '../../core/edits/sensitive';
import { runValidation } from '../../core/edits/validation';
import { validationBlocked } from '../../core/edits/validationGate';
import type { RunChanges } from '../../core/loop/RunEdits';
import type { Exchange, HostToChat, MessageOf, Review, ReviewToHost } from '../../protocol/messages';
import type { SettingSource } from '../settings';
import type { ChatRecord, FolderRef } from '../chats/ChatStore';
import type { Log } from '../log';
import { ChangeReview, sizeOf, validationView, type DiffSpec, type FileEdit, type MergeInput } from './ChangeReview';

/** The editor's side of a review (src/extension/review/ReviewEditor.ts is VS Code's). */
export interface ReviewEditor {
  /** A file's text now: the open document's (unsaved edits included), else the disk's; undefined when it does not exist. */
  read(folder: FolderRef, path: string): Promise<string | undefined>;
  /** Makes the edits as one WorkspaceEdit, so one undo reverts them; false when the editor refused it. */
  apply(folder: FolderRef, edits: readonly FileEdit[]): Promise<boolean>;
  /** One file: the diff editor; several: one view of them all. */
  showDiffs(folder: FolderRef, exchangeId: string, diffs: readonly DiffSpec[]): Promise<void>;
  /** The proposals of diffs already open changed (a merge onto the user's newer text): they follow. */
  proposalsChanged?(exchangeId: string, diffs: readonly DiffSpec[]): void;
  /** The merge editor for a conflicted file; its result comes back through ReviewService.resolved. */
  showMerge(folder: FolderRef, exchangeId: string, input: MergeInput): Promise<void>;
  /** rlm.validateCommand for the folder, and which settings it came from (user, workspace, folder). */
  validateCommand(folder: FolderRef): { command: string; source: SettingSource } | undefined;
  /** Asks before running the command (each time), showing its exact text, where it came from and where it runs. */
  confirmValidation(command: string, source: SettingSource, folder: FolderRef, files: number): Promise<boolean>;
  /** rlm.sensitivePaths for the folder: patterns on top of the built-in list. */
  sensitivePatterns(folder: FolderRef): readonly string[];
  /** Asks before applying changes to sensitive files, naming each and why it is sensitive. */
  confirmSensitive(folder: FolderRef, files: ReadonlyArray<{ path: string; reason: string }>): Promise<boolean>;
  /** Saves the documents of these files: the command reads the disk. */
  save(folder: FolderRef, paths: readonly string[]): Promise<void>;
  /** The folder on disk. */
  folderPath(folder: FolderRef): string;
}

export interface ReviewServiceDeps {
  /** Where change sets are kept (the chats' traces folder). */
  dir: string;
  editor: ReviewEditor;
  post(message: MessageOf<HostToChat>): void;
  log: Log;
  /** The validation command is stopped after this long. */
  validationTimeoutMs?: number;
  /** Typing settles this long before the reviews read the files again. */
  settleMs?: number;
}


/** A change set file's name: never a path (the name comes back from the chat store). */
export const CHANGES_FILE = /^[A-Za-z0-9_.-]+\.changes\.json$/;
const DEFAULT_VALIDATION_TIMEOUT_MS = 30 * 60_000;
const DEFAULT_SETTLE_MS = 300;

interface Entry {
  chatId: string;
  exchangeId: string;
  folder: FolderRef;
  file: string;
  review?: ChangeReview;
  error?: string;
  /** The review's operations, one at a time. */
  queue: Promise<unknown>;
  busy: boolean;
  message?: string;
  validating?: AbortController;
  /** Merge editors open on this review: path -> the text the result is an edit of. */
  merges: Map<string, string>;
}

export class ReviewService {
  private readonly entries = new Map<string, Entry>();
  private readonly stale = new Set<Entry>();
  /** The last sensitive list built, and the user's patterns it was built with. */
  private sensitive: { key: string; paths: SensitivePaths } | undefined;
  private settleTimer: NodeJS.Timeout | undefined;
  private disposed = false;

  constructor(private readonly deps: ReviewServiceDeps) {}

  /** A run ended with proposed edits: keeps them beside the trace and shows them. Returns the file's name and the sizes. */
  async add(chatId: string, exchangeId: string, folder: FolderRef, edits: RunChanges): Promise<Exchange['changes'] & { file: string }> {
    const review = ChangeReview.of(edits.changes, edits.conflicts);
    const file = `${exchangeId}.changes.json`;
    const entry: Entry = { chatId, exchangeId, folder, file, review, queue: Promise.resolve(), busy: false, merges: new Map() };
    this.entries.set(exchangeId, entry);
    await mkdir(this.deps.dir, { recursive: true });
    await this.persist(entry);
    const size = await sizeOf(edits.changes);
    this.refresh(entry);
    return { file, ...size };
  }

  /** The chat on show: its reviews are read (again) and posted; those of other chats are let go. */
  show(chat: ChatRecord): void {
    const wanted = new Set<string>();
    for (const x of chat.exchanges) {
      if (!x.changesFile || !chat.folder) continue;
      wanted.add(x.id);
      let entry = this.entries.get(x.id);
      if (!entry) {
        entry = { chatId: chat.id, exchangeId: x.id, folder: chat.folder, file: x.changesFile, queue: Promise.resolve(), busy: false, merges: new Map() };
        this.entries.set(x.id, entry);
      }
      this.refresh(entry);
    }
    for (const [id, entry] of this.entries) if (!wanted.has(id) && !entry.busy && !entry.validating && entry.merges.size === 0) this.entries.delete(id);
  }

  /** A message from the Chat view (already checked). */
  handle(message: ReviewToHost): void {
    const entry = this.entries.get(message.exchangeId);
    if (!entry) {
      this.deps.log.warn(`${message.type} for ${message.exchangeId}, whose change set is not on show`);
      return;
    }
    switch (message.type) {
      case 'review/open':
        this.run(entry, async (review) => {
          await this.assess(entry, review);
          const diffs = review.diffs(message.path);
          if (diffs.length > 0) await this.deps.editor.showDiffs(entry.folder, entry.exchangeId, diffs);
        });
        return;
      case 'review/accept':
        this.run(entry, (review) => this.accept(entry, review, message.path, message.hunk));
        return;
      case 'review/reject':
        this.run(entry, async (review) => {
          await this.assess(entry, review);
          if (review.reject(message.path, message.hunk, message.rejected)) {
            entry.message = !message.rejected ? undefined
              : message.hunk ? l10n.t('Rejected a change in {0}: nothing was written.', message.path) : l10n.t('Rejected the changes in {0}: nothing was written.', message.path);
            await this.persist(entry);
          }
        });
        return;
      case 'review/resolve':
        this.run(entry, async (review) => {
          await this.assess(entry, review);
          const input = review.mergeInput(message.path);
          if (!input) {
            entry.message = `${message.path} has no conflict to merge now.`;
            return;
          }
          entry.merges.set(message.path, input.anchor);
          await this.deps.editor.showMerge(entry.folder, entry.exchangeId, input);
          entry.message = l10n.t('Merging {0}: take what you want from both sides, then "Complete Merge". The result becomes the proposal for {1}, to accept here.', message.path, message.path);
        });
        return;
      case 'review/validate':
        void this.validate(entry);
        return;
      case 'review/stopValidation':
        entry.validating?.abort();
        return;
    }
  }

  /** The merge editor's result for a file (the user completed or saved the merge). */
  resolved(exchangeId: string, path: string, text: string): void {
    const entry = this.entries.get(exchangeId);
    const anchor = entry?.merges.get(path);
    if (!entry || anchor === undefined) {
      this.deps.log.warn(`A merge result for ${path} (${exchangeId}) arrived, but no merge of it is open`);
      return;
    }
    this.deps.log.info(`Review ${exchangeId}: the merge result for ${path} was saved (${text.length} characters)`);
    this.run(entry, async (review) => {
      const refused = review.resolve(path, anchor, text);
      entry.message = refused ?? l10n.t('Your merge of {0} is now its proposal: accept it to apply it.', path);
      if (!refused) entry.merges.delete(path);
      await this.persist(entry);
      await this.assess(entry, review);
    });
  }

  /** Files changed in a folder (typing, saving, a branch switch): the reviews that read them look again, once typing settles. */
  filesChanged(folderUri: string, paths: readonly string[]): void {
    for (const entry of this.entries.values()) {
      if (entry.folder.uri !== folderUri || !entry.review) continue;
      const read = entry.review.paths;
      if (paths.some((p) => read.includes(p))) this.stale.add(entry);
    }
    if (this.stale.size > 0) this.settleTimer ??= setTimeout(() => {
      this.settleTimer = undefined;
      const due = [...this.stale];
      this.stale.clear();
      for (const entry of due) this.refresh(entry);
    }, this.deps.settleMs ?? DEFAULT_SETTLE_MS);
  }

  /** Chats that were dropped: their change sets go too. */
  async forget(files: readonly string[]): Promise<void> {
    for (const file of files) {
      if (!CHANGES_FILE.test(file)) continue;
      for (const [id, entry] of this.entries) if (entry.file === file) this.entries.delete(id);
      await rm(join(this.deps.dir, basename(file)), { force: true });
    }
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.settleTimer);
    for (const entry of this.entries.values()) entry.validating?.abort();
    this.entries.clear();
  }

  /** Reads the files again and posts the review. */
  private refresh(entry: Entry): void {
    this.run(entry, (review) => this.assess(entry, review));
  }

  private async accept(entry: Entry, review: ChangeReview, path: string | undefined, hunk: string | undefined): Promise<void> {
    await this.assess(entry, review);
    const plan = review.plan({ ...(path !== undefined ? { path } : {}), ...(hunk !== undefined ? { hunk } : {}) });
    const skipped = plan.skipped.map((s) => `${s.path} was not applied: ${s.why}`);
    if (plan.edits.length === 0) {
      entry.message = skipped.length > 0 ? skipped.join('\n') : l10n.t('Nothing left to apply.');
      return;
    }
    // A page can send an accept by itself: a sensitive file is applied only after the user says so in the host.
    const sensitive = await review.sensitiveFiles(this.sensitivePaths(entry.folder));
    const risky = plan.edits.filter((e) => sensitive.has(e.path)).map((e) => ({ path: e.path, reason: sensitive.get(e.path)! }));
    if (risky.length > 0 && !(await this.deps.editor.confirmSensitive(entry.folder, risky))) {
      entry.message = l10n.t('Not applied: you chose not to apply the change to {0}.', risky.map((r) => r.path).join(', '));
      return;
    }
    entry.busy = true;
    this.post(entry, review);
    const applied = await this.deps.editor.apply(entry.folder, plan.edits);
    if (!applied) {
      entry.message = [l10n.t('The editor did not apply the changes (a file changed meanwhile, or is read-only): nothing was written.'), ...skipped].join('\n');
      return;
    }
    review.recordApplied(plan.edits);
    const files = plan.edits.length;
    entry.message = [
      plan.hunks === 1 ? l10n.t('Applied 1 change in 1 file: one undo (Ctrl+Z in the editor) reverts it. Not saved yet.')
        : files === 1 ? l10n.t('Applied {0} changes in 1 file: one undo (Ctrl+Z in the editor) reverts them. Not saved yet.', plan.hunks)
          : l10n.t('Applied {0} changes in {1} files: one undo (Ctrl+Z in the editor) reverts them. Not saved yet.', plan.hunks, files),
      ...skipped,
    ].join('\n');
    await this.persist(entry);
    this.deps.log.info(`Review ${entry.exchangeId}: applied ${plan.hunks} change(s) in ${plan.edits.map((e) => e.path).join(', ')}`);
    await this.assess(entry, review);
    // As far as it can go (the rest rejected or waiting on a merge): time for the user's own check, if they want it.
    if (review.acceptable === 0 && this.deps.editor.validateCommand(entry.folder)) void this.validate(entry, true);
  }

  /** `offered`: after an accept left nothing to apply (not a press of the button): a refusal adds to what the accept said. */
  private async validate(entry: Entry, offered = false): Promise<void> {
    const review = entry.review;
    if (!review || entry.validating) return;
    const configured = this.deps.editor.validateCommand(entry.folder);
    if (!configured) {
      entry.message = l10n.t('No validation command is set: set rlm.validateCommand (for example "npm test") to check the applied changes.');
      this.post(entry, review);
      return;
    }
    const controller = new AbortController();
    entry.validating = controller;
    try {
      const written = review.appliedFiles();
      const paths = written.map((f) => f.path);
      const sensitive = await review.sensitiveFiles(this.sensitivePaths(entry.folder));
      const blocked = validationBlocked(configured.command, { written, sensitive, root: this.deps.editor.folderPath(entry.folder) });
      if (blocked) {
        entry.message = [offered ? entry.message : undefined, l10n.t('Validation not run: {0}', blocked)].filter(Boolean).join('\n');
        return;
      }
      if (!(await this.deps.editor.confirmValidation(configured.command, configured.source, entry.folder, paths.length))) {
        entry.message = l10n.t('Validation not run: {0}', configured.command);
        return;
      }
      await this.deps.editor.save(entry.folder, paths);
      // Saving may have changed the settings (a file the change set wrote, or one saved meanwhile): the command
      // that runs is the one the user agreed to, or none.
      const now = this.deps.editor.validateCommand(entry.folder);
      if (now?.command !== configured.command || now.source !== configured.source) {
        entry.message = now
          ? l10n.t('Validation not run: rlm.validateCommand changed as the files were saved (now {0}, from the {1} settings), so it is not the command you agreed to run. Look at what changed it before running the validation again.', JSON.stringify(now.command), now.source)
          : l10n.t('Validation not run: rlm.validateCommand changed as the files were saved (now unset), so it is not the command you agreed to run. Look at what changed it before running the validation again.');
        this.deps.log.warn(`Review ${entry.exchangeId}: ${entry.message}`);
        return;
      }
      review.validation = { command: configured.command, state: 'running' };
      this.post(entry, review);
      this.deps.log.info(`Review ${entry.exchangeId}: validating with ${configured.command}`);
      const result = await runValidation(configured.command, this.deps.editor.folderPath(entry.folder), {
        signal: controller.signal,
        timeoutMs: this.deps.validationTimeoutMs ?? DEFAULT_VALIDATION_TIMEOUT_MS,
      });
      review.validation = validationView(result, controller.signal.aborted);
      entry.message = undefined;
      this.deps.log.info(`Review ${entry.exchangeId}: ${configured.command} ${review.validation.state} (exit code ${result.exitCode})`);
      await this.persist(entry);
    } catch (err) {
      entry.message = l10n.t('The validation could not run: {0}', (err as Error).message);
      if (review.validation?.state === 'running') review.validation = undefined;
    } finally {
      entry.validating = undefined;
      if (!this.disposed) this.post(entry, review);
    }
  }

  /** Runs an operation on the review once the ones before it are done, loading it first; posts the result. */
  private run(entry: Entry, op: (review: ChangeReview) => Promise<void>): void {
    entry.queue = entry.queue.then(async () => {
      if (this.disposed) return;
      const review = await this.load(entry);
      if (!review) {
        this.deps.post({ type: 'review/state', chatId: entry.chatId, review: { exchangeId: entry.exchangeId, totals: { files: 0, added: 0, removed: 0 }, files: [], error: entry.error } });
        return;
      }
      try {
        await op(review);
      } catch (err) {
        entry.message = l10n.t('Something went wrong: {0}', (err as Error).message);
        this.deps.log.error(`Review ${entry.exchangeId}: ${(err as Error).stack ?? (err as Error).message}`);
      } finally {
        entry.busy = false;
        if (!this.disposed) this.post(entry, review);
      }
    });
  }

  private async load(entry: Entry): Promise<ChangeReview | undefined> {
    if (entry.review || entry.error) return entry.review;
    try {
      if (!CHANGES_FILE.test(entry.file)) throw new Error(l10n.t('not a change set file'));
      entry.review = ChangeReview.fromJSON(JSON.parse(await readFile(join(this.deps.dir, entry.file), 'utf8')));
    } catch (err) {
      entry.error = l10n.t('The proposed edits of this question could not be read back ({0}).', (err as NodeJS.ErrnoException).code ?? (err as Error).message);
      this.deps.log.warn(`Review ${entry.exchangeId}: ${entry.error}`);
    }
    return entry.review;
  }

  /** The sensitive list for a folder: the built-in one plus rlm.sensitivePaths (rebuilt when those change). */
  private sensitivePaths(folder: FolderRef): SensitivePaths {
    const patterns = this.deps.editor.sensitivePatterns(folder);
    const key = JSON.stringify(patterns);
    if (this.sensitive?.key !== key) this.sensitive = { key, paths: new SensitivePaths(patterns, 'rlm.sensitivePaths') };
    return this.sensitive.paths;
  }

  private async assess(entry: Entry, review: ChangeReview): Promise<void> {
    await review.assess((path) => this.deps.editor.read(entry.folder, path), this.sensitivePaths(entry.folder));
    this.deps.editor.proposalsChanged?.(entry.exchangeId, review.diffs());
  }

  private post(entry: Entry, review: ChangeReview): void {
    const configured = this.deps.editor.validateCommand(entry.folder);
    const view: Review = {
      ...review.view(entry.exchangeId),
      ...(entry.busy ? { busy: true } : {}),
      ...(entry.message ? { message: entry.message } : {}),
      ...(configured ? { validateCommand: configured.command } : {}),
    };
    this.deps.post({ type: 'review/state', chatId: entry.chatId, review: view });
  }

  private async persist(entry: Entry): Promise<void> {
    if (!entry.review) return;
    try {
      await writeFile(join(this.deps.dir, entry.file), JSON.stringify(entry.review));
    } catch (err) {
      this.deps.log.error(`Could not save the review ${entry.file}: ${(err as Error).message}`);
    }
  }
}
