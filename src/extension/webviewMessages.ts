// Everything a webview sends is untrusted: the pages render model text, so a page that a hostile answer got
// to run script in would speak this protocol too. Each message is checked field by field before anything
// acts on it, commands are limited to an allow-list with checked arguments, file paths are confined to the
// workspace folders (a link by core/workspace/rootPaths.ts when it is opened, a review's path by the change set's own
// rule, core/edits/editPath.ts), and a command that changes state runs only once the user confirmed it in the host's own UI
// (a click in the page is no proof: a script can post the same message).

import * as l10n from '@vscode/l10n';
import { editPath } from '../core/edits/editPath';
import { MAX_TRACE_LINE_CHARS } from '../core/trajectory/readTrace';
import { ATTACH_SOURCES, CHAT_TO_HOST_TYPES, isMessage, isReviewMessage, MAX_ATTACHMENTS, OPENED_LANGUAGES, TREE_TO_HOST_TYPES, type AttachmentRef, type AttachSource, type ChatToHost, type MessageOf, type OpenedLanguage, type TreeToHost } from '../protocol/messages';
import { COMMANDS, EDITOR_COMMANDS } from './commandIds';
import { isKeyedProvider } from './settings';

/** Longest question accepted: far more than anyone types, far less than would hurt. */
export const MAX_QUESTION_CHARS = 100_000;
/** Longest text a page may put on the clipboard (a node's prompt or output, already truncated by the engine). */
export const MAX_CLIPBOARD_CHARS = 4 * 1024 * 1024;
/** Longest text a page may open in an editor: a node's text, which is at most a trace line (a whole answer). */
export const MAX_OPENED_TEXT_CHARS = MAX_TRACE_LINE_CHARS;
const MAX_PATH_CHARS = 4096;
const ID = /^[A-Za-z0-9_.-]{1,200}$/;

export type Rejection = { ok: false; reason: string };
export type Checked<T> = { ok: true; message: T } | Rejection;

/** A message from the Chat view, checked; or why it was refused (for the log). */
export function checkChatMessage(value: unknown): Checked<MessageOf<ChatToHost>> {
  if (!isMessage<ChatToHost>(value, CHAT_TO_HOST_TYPES)) return refuse(`unknown message ${describe(value)}`);
  const m = value as Record<string, unknown> & MessageOf<ChatToHost>;
  if (isReviewMessage(m)) return checkReview(m);
  switch (m.type) {
    case 'ready':
    case 'chat/stop':
    case 'chat/new':
      return { ok: true, message: { type: m.type } };
    case 'chat/ask': {
      if (typeof m.question !== 'string' || m.question.trim() === '') return refuse('chat/ask without a question');
      if (m.question.length > MAX_QUESTION_CHARS) return refuse(`chat/ask with a question of ${m.question.length} characters (at most ${MAX_QUESTION_CHARS})`);
      if (m.attachments === undefined) return { ok: true, message: { type: m.type, question: m.question } };
      const attachments = attachmentRefs(m.attachments);
      return attachments ? { ok: true, message: { type: m.type, question: m.question, attachments } } : refuse('chat/ask with attachments that are not ones');
    }
    case 'attach/pick':
      return ATTACH_SOURCES.includes(m.source as AttachSource) ? { ok: true, message: { type: m.type, source: m.source } } : refuse('attach/pick from no known source');
    case 'attach/add': {
      const refs = attachmentRefs(m.refs);
      return refs && refs.length > 0 ? { ok: true, message: { type: m.type, refs } } : refuse('attach/add without attachments');
    }
    case 'attach/drop': {
      const uris = m.uris;
      const ok = Array.isArray(uris) && uris.length > 0 && uris.length <= MAX_ATTACHMENTS && uris.every((u) => typeof u === 'string' && u.length <= MAX_PATH_CHARS && !u.includes('\0'));
      return ok ? { ok: true, message: { type: m.type, uris: [...uris] as string[] } } : refuse('attach/drop without URIs, or with too many');
    }
    case 'attach/complete':
      return typeof m.query === 'string' && m.query.length <= MAX_COMPLETION_QUERY ? { ok: true, message: { type: m.type, query: m.query } } : refuse('attach/complete without a query');
    case 'chat/open':
      return isId(m.chatId) ? { ok: true, message: { type: m.type, chatId: m.chatId } } : refuse('chat/open without a valid chat id');
    case 'chat/showRun':
      return isId(m.exchangeId) ? { ok: true, message: { type: m.type, exchangeId: m.exchangeId } } : refuse('chat/showRun without a valid exchange id');
    case 'answer/open':
      return isId(m.exchangeId) ? { ok: true, message: { type: m.type, exchangeId: m.exchangeId } } : refuse('answer/open without a valid exchange id');
    case 'link/open':
    case 'clipboard/copy':
    case 'command/run':
      return checkShared(m);
  }
}

const MAX_COMPLETION_QUERY = 200;

/** Attachments as the page holds them, rebuilt field by field; null when any is not one (or there are too many). */
function attachmentRefs(value: unknown): AttachmentRef[] | null {
  if (!Array.isArray(value) || value.length > MAX_ATTACHMENTS) return null;
  const refs: AttachmentRef[] = [];
  for (const item of value as Array<Record<string, unknown>>) {
    if (typeof item !== 'object' || item === null) return null;
    if (item.kind === 'problems' || item.kind === 'changes') {
      refs.push({ kind: item.kind });
      continue;
    }
    const path = reviewPath(item.path);
    if (path === null) return null;
    if (item.kind === 'path') {
      refs.push({ kind: 'path', path });
      continue;
    }
    const startLine = optionalLine(item.startLine);
    const endLine = optionalLine(item.endLine);
    if (item.kind !== 'selection' || !startLine || !endLine || endLine < startLine) return null;
    refs.push({ kind: 'selection', path, startLine, endLine });
  }
  return refs;
}

/** Hunk keys as core/edits/hunks.ts makes them ('*' for a file decided whole). */
const HUNK_KEY = /^(?:[0-9a-f]{16}\.\d{1,6}|\*)$/;

/**
 * Review messages name a question's change set and a path and hunk in it; the review only acts on paths its
 * change set holds, so a page cannot reach another file through them.
 */
function checkReview(m: Record<string, unknown> & MessageOf<ChatToHost>): Checked<MessageOf<ChatToHost>> {
  if (!isId(m.exchangeId)) return refuse(`${m.type} without a valid exchange id`);
  const exchangeId = m.exchangeId;
  const path = m.path === undefined ? undefined : reviewPath(m.path);
  const hunk = m.hunk === undefined ? undefined : typeof m.hunk === 'string' && HUNK_KEY.test(m.hunk) ? m.hunk : null;
  if (path === null || hunk === null) return refuse(`${m.type} with a path or hunk that is not one`);
  switch (m.type) {
    case 'review/open':
      return { ok: true, message: { type: m.type, exchangeId, ...(path !== undefined ? { path } : {}) } };
    case 'review/accept':
      if (hunk !== undefined && path === undefined) return refuse('review/accept of a hunk without its path');
      return { ok: true, message: { type: m.type, exchangeId, ...(path !== undefined ? { path } : {}), ...(hunk !== undefined ? { hunk } : {}) } };
    case 'review/reject':
      if (path === undefined || typeof m.rejected !== 'boolean') return refuse('review/reject without a path or a decision');
      return { ok: true, message: { type: m.type, exchangeId, path, ...(hunk !== undefined ? { hunk } : {}), rejected: m.rejected } };
    case 'review/resolve':
      if (path === undefined) return refuse('review/resolve without a path');
      return { ok: true, message: { type: m.type, exchangeId, path } };
    case 'review/validate':
    case 'review/stopValidation':
      return { ok: true, message: { type: m.type, exchangeId } };
    default:
      return refuse(`unknown message ${describe(m)}`);
  }
}

/** A change set's path, in the normal form the change set keeps (editPath: relative, inside, no VCS folder); anything else is null. */
function reviewPath(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > MAX_PATH_CHARS) return null;
  try {
    return editPath(value) === value ? value : null;
  } catch {
    return null;
  }
}

/** A message from the trajectory tree (the Trajectory view or the trace editor), checked. */
export function checkTreeMessage(value: unknown): Checked<MessageOf<TreeToHost>> {
  if (!isMessage<TreeToHost>(value, TREE_TO_HOST_TYPES)) return refuse(`unknown message ${describe(value)}`);
  const m = value as Record<string, unknown> & MessageOf<TreeToHost>;
  if (m.type === 'ready') return { ok: true, message: { type: 'ready' } };
  if (m.type === 'text/open') {
    if (typeof m.text !== 'string' || m.text.length > MAX_OPENED_TEXT_CHARS) return refuse('text/open without text, or with more than a trace line holds');
    if (!OPENED_LANGUAGES.includes(m.language as OpenedLanguage)) return refuse(`text/open in a language it may not name: ${JSON.stringify(String(m.language).slice(0, 40))}`);
    return { ok: true, message: { type: 'text/open', text: m.text, language: m.language as OpenedLanguage } };
  }
  return checkShared(m) as Checked<MessageOf<TreeToHost>>;
}

function checkShared(m: Record<string, unknown>): Checked<MessageOf<ChatToHost>> {
  switch (m.type) {
    case 'link/open': {
      if (typeof m.path !== 'string' || m.path.trim() === '' || m.path.length > MAX_PATH_CHARS || m.path.includes('\0')) return refuse('link/open without a usable path');
      const line = optionalLine(m.line);
      const endLine = optionalLine(m.endLine);
      if (line === null || endLine === null) return refuse('link/open with a line that is not a whole number from 1');
      return { ok: true, message: { type: 'link/open', path: m.path.trim(), ...(line !== undefined ? { line } : {}), ...(endLine !== undefined && line !== undefined && endLine >= line ? { endLine } : {}) } };
    }
    case 'clipboard/copy':
      if (typeof m.text !== 'string' || m.text.length > MAX_CLIPBOARD_CHARS) return refuse('clipboard/copy without text, or with too much');
      return { ok: true, message: { type: 'clipboard/copy', text: m.text } };
    case 'command/run': {
      const args = m.args === undefined ? [] : m.args;
      if (typeof m.command !== 'string' || !Array.isArray(args)) return refuse('command/run without a command');
      const allowed = WEBVIEW_COMMANDS[m.command];
      if (!allowed) return refuse(`command/run of ${JSON.stringify(m.command.slice(0, 100))}, which is not one a page may run`);
      if (!allowed(args)) return refuse(`command/run of ${m.command} with arguments it does not take`);
      return { ok: true, message: { type: 'command/run', command: m.command, args } };
    }
    default:
      return refuse(`unknown message ${describe(m)}`);
  }
}

const none = (args: unknown[]) => args.length === 0;

/**
 * The commands a page may run (the actions of set-up problems and errors), each with a check of its arguments.
 * Nothing here takes a URL, a path or a value to store: `rlm.useLocalServer` pins the server the host itself
 * found, never one a page names, and only after PAGE_CONFIRMATIONS' modal. The rest open the host's own UI
 * (a password box, quick picks, the Settings editor) or change nothing that lasts. Clearing a key is not here.
 */
export const WEBVIEW_COMMANDS: Readonly<Record<string, (args: unknown[]) => boolean>> = {
  [COMMANDS.setApiKey]: (args) => args.length === 0 || (args.length === 1 && isKeyedProvider(args[0])),
  [COMMANDS.selectModel]: none,
  [COMMANDS.showLog]: none,
  [COMMANDS.newChat]: none,
  [COMMANDS.stop]: none,
  [COMMANDS.openTrajectory]: none,
  [COMMANDS.showHistory]: none,
  [COMMANDS.useLocalServer]: none,
  [COMMANDS.refreshSetup]: none,
  // Only this extension's settings.
  [EDITOR_COMMANDS.openSettings]: (args) => args.length === 0 || (args.length === 1 && typeof args[0] === 'string' && /^rlm\.[A-Za-z.]*$/.test(args[0])),
  [EDITOR_COMMANDS.openFolder]: none,
  [EDITOR_COMMANDS.manageTrust]: none,
};

/** A modal the host shows before it runs what a page asked for. */
export interface Confirmation {
  message: string;
  detail: string;
  button: string;
}

/** What the host knows that a confirmation names (the server the search found). */
export interface ConfirmationContext {
  localServer?: { name: string; baseUrl: string };
}

/** Commands that change settings or stored state: a page may ask for them, the user decides in the host. */
export const PAGE_CONFIRMATIONS: Readonly<Record<string, (context: ConfirmationContext) => Confirmation>> = {
  [COMMANDS.useLocalServer]: ({ localServer }) => ({
    message: localServer ? l10n.t('Use {0} at {1}?', localServer.name, localServer.baseUrl) : l10n.t('Use the local model server found?'),
    detail: l10n.t('RLM will send your questions and the code it reads to this server. This sets rlm.provider and rlm.baseUrl in your user settings.'),
    button: l10n.t('Use It'),
  }),
};

/**
 * Runs a command a page asked for (already checked against WEBVIEW_COMMANDS): at once when it only opens the
 * host's UI, after the user confirms in the host's modal when it changes state. True when it ran.
 */
export async function runPageCommand(
  command: string,
  args: unknown[],
  host: { context(): ConfirmationContext; confirm(confirmation: Confirmation): Promise<boolean>; execute(command: string, args: unknown[]): Promise<unknown> },
): Promise<boolean> {
  const confirmation = PAGE_CONFIRMATIONS[command];
  if (confirmation && !(await host.confirm(confirmation(host.context())))) return false;
  await host.execute(command, args);
  return true;
}

function optionalLine(value: unknown): number | undefined | null {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 10_000_000 ? value : null;
}

function isId(value: unknown): value is string {
  return typeof value === 'string' && ID.test(value);
}

function refuse(reason: string): Rejection {
  return { ok: false, reason };
}

function describe(value: unknown): string {
  const type = typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined;
  return typeof type === 'string' ? JSON.stringify(type.slice(0, 60)) : `(${typeof value})`;
}
