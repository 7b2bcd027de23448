// The one message protocol between the extension host and its webviews (the Chat view, the Trajectory view
// and the trace editor), shared by both sides: each direction is a map from message type to its fields, so
// every post and every handler is checked by the compiler. Pure types plus a few tiny helpers: no `vscode`, no
// Node, no DOM, so both bundles import it. What a page needs before its first message (its strings) comes in its
// HTML: PageStrings below.
//
// Trajectory events travel as they are (RlmEvent, batched); both sides fold them with the same
// TrajectoryTree (src/core/trajectory/TrajectoryTree.ts).

import type { FocusRequest } from '../core/loop/focusRequest';
import type { FileChangeKind, RlmEvent, StopReason } from '../core/trajectory/events';

/** A message with nothing but its type. */
export type NoFields = {};

/** A button the UI shows next to a problem: it runs a VS Code command (set a key, open settings...). */
export interface Action {
  label: string;
  command: string;
  args?: unknown[];
}

/** What the Chat view needs to know about the set-up before anything can be asked. */
export interface SetupStatus {
  /** True when a question can be asked now. */
  ready: boolean;
  /** 'vscode-lm' | 'openai' | 'anthropic' | 'openai-compatible': who answers; 'auto' while nothing does yet (ready false). */
  provider: string;
  rootModel?: string;
  subModel?: string;
  /** The per-question cost cap shown in the status line; null for none. */
  maxCostUsd: number | null;
  /**
   * The models of the set-up that have no known price (the editor's models, a model missing from the prices): their
   * cost shows as unknown, the dollar cap cannot be enforced for them, and the request cap applies (null: none).
   */
  unpriced?: { models: string[]; maxRequests: number | null };
  /** In Restricted Mode: the one line saying what it turns off, and the button that leads out of it. */
  restricted?: { message: string; actions: Action[] };
  /** Why nothing can be asked yet, and what fixes it (the welcome view shows this). */
  problem?: { message: string; actions: Action[] };
  /**
   * An OpenAI-compatible server found on its usual local port. Offered in the welcome view while not ready (the
   * problem's first action, "Use <name>", runs rlm.useLocalServer); when ready, the server that answers.
   */
  localServer?: {
    url: string;
    models: string[];
    /** The button that points the settings at this server (the welcome view shows it beside the server). */
    action?: Action;
  };
}

/** The part of a file a question is about ("Ask about selection"). */
export interface Focus {
  path: string;
  startLine: number;
  endLine: number;
}

/**
 * Something attached to the next question, as the Chat view holds it until it is sent: a file or folder, a selection,
 * or the Problems list or the uncommitted changes (gathered by the host when the question is sent). The host checks
 * each again then (core/loop/focus.ts): the page's word is never taken for what may reach the model.
 */
export type AttachmentRef = Extract<FocusRequest, { kind: 'path' | 'selection' }> | { kind: 'problems' } | { kind: 'changes' };

/** Where the `+` button's menu takes attachments from. */
export const ATTACH_SOURCES = ['files', 'selection', 'editors', 'problems', 'changes'] as const;
export type AttachSource = (typeof ATTACH_SOURCES)[number];

/** An attachment's chip above the question box. */
export interface AttachmentChip {
  ref: AttachmentRef;
  label: string;
  /** Its size ("12 lines, 340 bytes"), or for a refused one why it cannot be attached. */
  detail: string;
  /** It cannot be attached (a credential or ignored file, outside the folder): the chip says why, the question goes without it. */
  refused?: true;
}

/** Most attachments one question takes. */
export const MAX_ATTACHMENTS = 50;

export type ExchangeStatus = 'running' | 'done' | 'error' | 'cancelled';

/**
 * An answer longer than this is kept once, whole, in its question's trace: the chat stores and shows its first
 * ANSWER_SHOWN_CHARS characters (`Exchange.answerChars` says how long it is), and opens it whole in an editor
 * on request.
 */
export const ANSWER_SHOWN_CHARS = 200_000;

/** One question and its answer in a chat. */
export interface Exchange {
  id: string;
  question: string;
  focus?: Focus;
  /** The names of what was attached to it (their sizes went to the model). */
  attached?: string[];
  status: ExchangeStatus;
  answer?: string;
  /** The whole answer's length, when `answer` is only its start (see ANSWER_SHOWN_CHARS). */
  answerChars?: number;
  stopReason?: StopReason;
  /** Why the run stopped, when it was not a final answer; or what went wrong. */
  detail?: string;
  /** Buttons that fix what went wrong (a missing key, an exhausted budget). */
  actions?: Action[];
  costUsd?: number;
  /** Calls to models with no known price: `costUsd` leaves them out, so the cost shows as unknown. */
  unpricedCalls?: number;
  /** What caching saved against list prices (the prompt cache, reused sub-call answers); absent when nothing. */
  savedUsd?: number;
  inputTokens?: number;
  outputTokens?: number;
  durationMs?: number;
  startedAt: number;
  /** The question never became a run (no folder picked, stopped before it started): no figures, no trace to show. */
  noRun?: true;
  /** The run proposed edits: their size as the run ended. The review itself comes as `review/state`. */
  changes?: { files: number; added: number; removed: number };
}

/**
 * How a proposed file relates to the file as it is now: `clean` (unchanged since the run read it), `merged` (changed
 * since, and the proposal re-applied by three-way merge), `conflicted` (changed since with overlapping edits, or
 * a conflict between partitions the model left unresolved: nothing is applied until it is resolved), `resolved`
 * (the user merged it in the merge editor).
 */
export type ReviewStatus = 'clean' | 'merged' | 'conflicted' | 'resolved';

/** Where the review of a file stands: changes left to decide, all applied, all rejected, or some of each. */
export type ReviewProgress = 'pending' | 'applied' | 'rejected' | 'partly';

/** One block of changed lines still between the file as it is now and the proposal. */
export interface ReviewHunk {
  /** Names the change while it stays the same (see core/edits/hunks.ts); decisions refer to it. */
  key: string;
  /** The line of the file as it is now where the change goes (1-based), and how many of its lines it replaces. */
  line: number;
  oldLines: number;
  added: number;
  removed: number;
  rejected: boolean;
  /** Its lines with their '-' / '+' prefix, the first few dozen. */
  preview: string[];
  /** Lines left out of the preview. */
  more: number;
}

export interface ReviewFile {
  path: string;
  /** The old path of a renamed file. */
  from?: string;
  change: FileChangeKind;
  status: ReviewStatus;
  progress: ReviewProgress;
  /** Lines still to add and remove (pending and rejected hunks) from the file as it is now. */
  added: number;
  removed: number;
  /** What still differs: hunk by hunk for a modified file; one hunk for a created, deleted or renamed file, decided as a whole. */
  hunks: ReviewHunk[];
  /** False for created, deleted and renamed files: they are accepted or rejected whole. */
  perHunk: boolean;
  /** Hunks applied so far (an undo in the editor brings them back). */
  applied: number;
  /** Why it is conflicted or was merged, what the semantic check found: one line each. */
  notes: string[];
  /** A conflict the merge editor can open (base and both sides are texts). */
  canResolve: boolean;
  /** Why the file is sensitive (it can make tools run commands, or holds secrets): applied only by its own accept, after a warning. */
  sensitive?: string;
  /** Left out of Accept All (sensitive, or a semantic conflict the model left unresolved): accepted on its own. */
  heldBack?: boolean;
}

export type ValidationState = 'running' | 'passed' | 'failed' | 'stopped';

export interface ReviewValidation {
  command: string;
  state: ValidationState;
  exitCode?: number | null;
  /** The end of its output. */
  outputTail?: string;
  durationMs?: number;
}

/** The change set a question's run proposed, as the user reviews it. */
export interface Review {
  exchangeId: string;
  /** As the run proposed it. */
  totals: { files: number; added: number; removed: number };
  files: ReviewFile[];
  /** An edit is being applied or the files read: the buttons wait. */
  busy?: boolean;
  /** What the last action did ("Applied 2 changes in 2 files. One undo (Ctrl+Z) reverts them."). */
  message?: string;
  validation?: ReviewValidation;
  /** The rlm.validateCommand setting for the chat's folder, when set. */
  validateCommand?: string;
  /** The change set could not be read back (its file is gone): what there is to know. */
  error?: string;
}

export interface ChatSummary {
  id: string;
  title: string;
  updatedAt: number;
  /** The workspace folder the chat asks about (its name), once it has a question; for multi-root workspaces. */
  folder?: string;
}

export interface ChatSnapshot extends ChatSummary {
  exchanges: Exchange[];
}

/** Host to Chat view. */
export interface HostToChat {
  /** Everything the view shows, on load and when another chat is opened. */
  'chat/state': {
    chat: ChatSnapshot;
    history: ChatSummary[];
    setup: SetupStatus;
    busy: boolean;
  };
  'chat/setup': { setup: SetupStatus };
  'chat/history': { history: ChatSummary[] };
  /** A question started: the view adds it (running) to the conversation. */
  'run/start': { chatId: string; exchange: Exchange };
  /** Events of the running question, batched (the view folds them for the streamed text and the status line). */
  'run/events': { chatId: string; exchangeId: string; events: RlmEvent[] };
  /** The question ended: its final state. */
  'run/end': { chatId: string; exchange: Exchange };
  /** A question's proposed edits as they stand now (sent when they load, change on disk or in an editor, or are decided). */
  'review/state': { chatId: string; review: Review };
  /** Put the keyboard in the question box ("RLM: Focus Chat" and its keybinding). */
  'composer/focus': NoFields;
  /** Chips to add above the question box (the page keeps one per attachment). */
  'attach/chips': { chips: AttachmentChip[] };
  /** The workspace's files that match what follows a `#` typed in the question box (ignored and credential files are no files of it). */
  'attach/completions': { query: string; paths: string[] };
}

/** Chat view to host. */
export interface ChatToHost {
  ready: NoFields;
  'chat/ask': { question: string; attachments?: AttachmentRef[] };
  /** The `+` button's menu: the host gathers attachments from there (a file dialog, the editor) and answers with attach/chips. */
  'attach/pick': { source: AttachSource };
  /** Attach these (a `#file` completion picked): answered with attach/chips. */
  'attach/add': { refs: AttachmentRef[] };
  /** Files or folders dropped from the Explorer, as URIs: answered with attach/chips. */
  'attach/drop': { uris: string[] };
  /** What follows a `#` in the question box: answered with attach/completions. */
  'attach/complete': { query: string };
  'chat/stop': NoFields;
  'chat/new': NoFields;
  'chat/open': { chatId: string };
  /** Show this exchange's run in the Trajectory view. */
  'chat/showRun': { exchangeId: string };
  /** A `path:line` reference was clicked: open the file there. */
  'link/open': { path: string; line?: number; endLine?: number };
  'command/run': { command: string; args?: unknown[] };
  'clipboard/copy': { text: string };
  /** Opens an exchange's whole answer in an untitled editor (the chat shows only its start). */
  'answer/open': { exchangeId: string };
  /** Opens the diff editor: the file as it is now against the proposal; without a path, every file in one view. */
  'review/open': { exchangeId: string; path?: string };
  /**
   * Applies a hunk, a file (its hunks not rejected), or without a path every file not conflicted nor held back
   * ("Accept All"). A sensitive file's own accept asks in a host modal first.
   */
  'review/accept': { exchangeId: string; path?: string; hunk?: string };
  /** Rejects a hunk or a whole file (`rejected: false` takes the rejection back). Nothing is written. */
  'review/reject': { exchangeId: string; path: string; hunk?: string; rejected: boolean };
  /** Opens a conflicted file in the merge editor. */
  'review/resolve': { exchangeId: string; path: string };
  /** Runs rlm.validateCommand (after asking) / stops it. */
  'review/validate': { exchangeId: string };
  'review/stopValidation': { exchangeId: string };
}

/** Host to the trajectory tree (the Trajectory view and the trace editor). */
export interface HostToTree {
  /** Replace the tree: a run selected in a chat, or a trace file opened. `live` while its run still goes on. */
  'tree/reset': {
    title: string;
    events: RlmEvent[];
    live: boolean;
    /** For a trace file: whether its receipt verified, and event types it did not know. */
    source?: { file: string; receipt: 'valid' | 'missing' | 'mismatch'; skipped: Record<string, number> };
    /** Why there is no tree to show: the trace file could not be read or is not a trace (events is then empty). */
    error?: string;
  };
  /** More events of the live run shown. */
  'tree/events': { events: RlmEvent[] };
}

/** Trajectory tree to host. */
export interface TreeToHost {
  ready: NoFields;
  'link/open': { path: string; line?: number; endLine?: number };
  'clipboard/copy': { text: string };
  /** Opens a node's text whole in an untitled editor (the detail shows only its start). */
  'text/open': { text: string; language: OpenedLanguage };
}

/** The languages a page may give a text it opens in an editor. */
export const OPENED_LANGUAGES = ['markdown', 'javascript', 'diff', 'plaintext'] as const;
export type OpenedLanguage = (typeof OPENED_LANGUAGES)[number];

/**
 * A page's translations, keyed by the English message as the page passes it to `l10n.t` (@vscode/l10n): the bundle
 * VS Code chose for the window's language (`vscode.l10n.bundle`); none in English. They come in the page's HTML,
 * before its script, so its first drawing is already in the user's language (a message comes after it).
 */
export type PageStrings = Record<string, string>;

/** The id of the element of a page's HTML that holds its PageStrings (webview/shared/l10n.ts reads it). */
export const PAGE_STRINGS_ID = 'rlm-strings';

/**
 * PageStrings as a page's HTML carries them: JSON in a data block, which no browser runs (the nonce is for CSPs
 * that check every script element). `<` is escaped, so no translation can close the element or open another.
 */
export function pageStringsHtml(strings: PageStrings | undefined, nonce: string): string {
  if (!strings || Object.keys(strings).length === 0) return '';
  return `<script type="application/json" id="${PAGE_STRINGS_ID}" nonce="${nonce}">${JSON.stringify(strings).replace(/</g, '\\u003c')}</script>`;
}

/** One message of a map: `{type, ...fields}`. */
export type MessageOf<M> = { [K in keyof M & string]: { type: K } & M[K] }[keyof M & string];

/** True when `value` has a string `type` that is one of `types` (a first check on what crosses the boundary). */
export function isMessage<M>(value: unknown, types: ReadonlyArray<keyof M & string>): value is MessageOf<M> {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string'
    && (types as readonly string[]).includes((value as { type: string }).type);
}

export const CHAT_TO_HOST_TYPES: ReadonlyArray<keyof ChatToHost & string> = [
  'ready', 'chat/ask', 'attach/pick', 'attach/add', 'attach/drop', 'attach/complete', 'chat/stop', 'chat/new', 'chat/open', 'chat/showRun', 'link/open', 'command/run', 'clipboard/copy',
  'answer/open', 'review/open', 'review/accept', 'review/reject', 'review/resolve', 'review/validate', 'review/stopValidation',
];

/** The chat's messages about a question's proposed edits: the review handles them all. */
export type ReviewToHost = Extract<MessageOf<ChatToHost>, { type: `review/${string}` }>;

export function isReviewMessage<M extends MessageOf<ChatToHost>>(message: M): message is M & ReviewToHost {
  return message.type.startsWith('review/');
}

export const TREE_TO_HOST_TYPES: ReadonlyArray<keyof TreeToHost & string> = ['ready', 'link/open', 'clipboard/copy', 'text/open'];
