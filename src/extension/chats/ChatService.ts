// The chats of a window: one RlmSession per chat (follow-ups reuse its sandbox and history), one question at a
// time, every question traced to its own JSONL file, its events streamed to the views in batches, and the
// conversation saved after each question so a reload brings it back (the session is restored from its
// snapshot at the next question). Nothing is lost from a conversation: a question that fails shows why and
// the fix, beside the earlier ones.
//
// No `vscode` here: the editor's pieces (settings, SecretStorage, the folder picker, the views) come in as
// ChatServiceDeps, so this is tested in plain Node with the real engine, a real workspace and the fake server.

import * as l10n from '@vscode/l10n';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ModelPair } from '../../core/loop/options';
import type { RunResult } from '../../core/loop/RlmRun';
import type { RlmSession, SessionSnapshot } from '../../core/loop/RlmSession';
import type { SubCallCache } from '../../core/loop/SubCallCache';
import { ModelError, type ChatModel } from '../../core/models/types';
import { runStatus, type RlmEvent } from '../../core/trajectory/events';
import { readLastRunEnd } from '../../core/trajectory/lastRunEnd';
import { readTraceAsync } from '../../core/trajectory/readTrace';
import { TraceWriter } from '../../core/trajectory/TraceWriter';
import type { Workspace } from '../../core/workspace/types';
import type { AttachmentChip, AttachmentRef, ChatSnapshot, Exchange, Focus, HostToChat, HostToTree, MessageOf, SetupStatus } from '../../protocol/messages';
import { focusLabel, type ChangeEntry, type FocusItem, type ProblemEntry } from '../../core/loop/focus';
import { CHIP_WORDS } from './chipWords';
import { attach, completePaths, type Attached } from './attachments';
import type { Log } from '../log';
import type { PreparedModels } from '../models/modelSetup';
import type { ReviewService } from '../review/ReviewService';
import { problemFromError, problemFromStop, type Problem, type ProblemContext, SetupProblem } from '../problems';
import { limitsFrom, type RlmSettings } from '../settings';
import { lowerLimits, type AskedLimits } from '../../core/loop/lowerLimits';
import { ChatStore, summaryOf, titleOf, type ChatRecord, type ExchangeRecord, type FolderRef } from './ChatStore';
import { EventBatcher, EVENT_BATCH_MS } from './EventBatcher';
import { logEvent } from './runLog';
import { SessionPool } from './SessionPool';
import { redactKnown, redactSecrets } from '../../core/redact';
import { eventsForChat, shownAnswer } from './answers';

export interface ChatServiceDeps {
  store: ChatStore;
  /** Where trace files go (created when the first question needs it). */
  tracesDir: string;
  /** The rlm.* settings for a folder, read now: a change applies from the next question. */
  settings(folder: FolderRef): RlmSettings;
  prepareModels(settings: RlmSettings): Promise<PreparedModels>;
  /** The folder's workspace, opened on first use; a new object when it had to be reopened (the excludes changed). */
  workspace(folder: FolderRef, settings: RlmSettings): Promise<Workspace>;
  /**
   * Stops the folder's first indexing if it still runs (a Stop during it ends it too), and says how far it had
   * got ("12,000 of 96,000 files parsed"); undefined when the folder was not being indexed.
   */
  stopIndexing?(folder: FolderRef): string | undefined;
  /** How far the folder's first indexing has got while it runs; undefined when it is done (or never started). */
  indexing?(folder: FolderRef): string | undefined;
  /**
   * The folder a new chat asks about (the active editor's, or one the user picks); undefined when the user
   * dismissed the choice. Throws SetupProblem when the window has no folder.
   */
  pickFolder(): Promise<FolderRef | undefined>;
  /** Every key used in this window; sessions redact them from events (the list grows as keys are used). */
  secrets: string[];
  log: Log;
  /** To the Chat view (dropped when it is not open). */
  post(message: MessageOf<HostToChat>): void;
  /** A short notice outside the chat (a second question while one runs). */
  notify(message: string): void;
  /** The set-up status as last looked up (chat/state carries it). */
  setup(): SetupStatus;
  batchMs?: number;
  /** Sessions kept alive at once (each holds a sandbox thread); older ones are restored from their snapshot when asked again. */
  maxLiveSessions?: number;
  /** Where proposed edits go for review (without it, a run's edits are only logged). */
  reviews?: ReviewService;
  /** The folder's sub-call cache (kept on this machine, outside the workspace); absent: answers are not reused. */
  subCallCache?(folder: FolderRef): SubCallCache | undefined;
  /** The editor's Problems list for a folder, paths relative to it (the Problems attachment). */
  problems?(folder: FolderRef): ProblemEntry[];
  /** A folder's uncommitted changes (the changes attachment). */
  changes?(folder: FolderRef): Promise<ChangeEntry[]>;
}

/** The question running now, as the Trajectory view and the status bar follow it. */
export interface LiveRun {
  chatId: string;
  exchangeId: string;
  title: string;
  /** Every event so far, in order. */
  events: RlmEvent[];
  /** Billed so far, cached prompt tokens at their price. */
  costUsd: number;
  /** What caching saved so far: the prompt-cache discount and reused sub-call answers. */
  savedUsd: number;
  /** Calls so far to models with no known price: the cost is unknown, and they count against the request cap. */
  unpriced: number;
  /** The cap shown beside the cost; null for none. */
  maxCostUsd: number | null;
  /** The cap on requests to models with no known price; null for none. */
  maxRequests: number | null;
  startedAt: number;
}

export type RunUpdate =
  | { kind: 'start'; run: LiveRun }
  | { kind: 'events'; run: LiveRun; events: RlmEvent[] }
  | { kind: 'end'; run: LiveRun; exchange: Exchange };

export type TreeReset = HostToTree['tree/reset'];

export interface AskOptions {
  /** The part of a file the question is about ("Ask about selection"); mentioned to the model. */
  focus?: Focus;
  /** The folder the question is about; a chat bound to another folder makes way for a new chat. */
  folder?: FolderRef;
  /** What the user attached in the Chat view: checked against the folder now, named to the model, context.focus in the REPL. */
  attachments?: AttachmentRef[];
  // What the other entry points (VS Code's Chat view, agent-mode tools) bring; the sidebar passes none of them.
  /** Ask in this chat instead of the one on show: a saved chat's id (a follow-up), or NEW_CHAT. The chat on show stays. */
  chat?: string;
  /** The models for this question instead of the settings' (the model picked in VS Code's Chat view); the limits stay the settings'. */
  models?(settings: RlmSettings): Promise<PreparedModels>;
  /** Limits the caller asked for (a tool call's arguments): each may only lower the settings' (lowerLimits). */
  limits?: AskedLimits;
  /** Stops the question as Stop does (a chat request's cancellation token). */
  signal?: AbortSignal;
  /** Each event as it happens, before the view's batching. */
  onEvent?(event: RlmEvent): void;
  /** The run's result (its proposed edits among it), before the question ends. */
  onResult?(result: RunResult, folder: FolderRef): void | Promise<void>;
}

/** AskOptions.chat for a question that starts a chat of its own. */
export const NEW_CHAT = 'new';

/** A trace file's name: never a path (the name comes back from the chat store). */
export const TRACE_FILE = /^[A-Za-z0-9_.-]+\.rlm\.jsonl$/;

interface Running {
  chat: ChatRecord;
  exchange: ExchangeRecord;
  live: LiveRun;
  controller: AbortController;
  session?: RlmSession;
  /** Set when the Stop also ended the folder's first indexing: what the chat says about it. */
  indexingStopped?: string;
}

export class ChatService {
  private current: ChatRecord;
  /** Chats this window has touched; others are read from the store when opened. */
  private readonly chats = new Map<string, ChatRecord>();
  private readonly sessions: SessionPool;
  private running: Running | undefined;
  private readonly listeners = new Set<(update: RunUpdate) => void>();
  private tracesReady: Promise<void> | undefined;
  /** The question being asked, until it has ended. */
  private asking: Promise<unknown> | undefined;
  /** While the history is cleared, no question starts. */
  private clearing = false;
  private disposed = false;

  constructor(private readonly deps: ChatServiceDeps) {
    this.sessions = new SessionPool(deps.secrets, (chatId, snapshot) => {
      const chat = this.chats.get(chatId);
      if (chat) chat.snapshot = redactSnapshot(snapshot, deps.secrets);
    }, deps.maxLiveSessions);
    const currentId = deps.store.currentId();
    const saved = currentId ? deps.store.load(currentId) : undefined;
    this.current = saved ?? newChat();
    this.chats.set(this.current.id, this.current);
  }

  /** Follows the running question: its start, its events (batched), its end. */
  onRun(listener: (update: RunUpdate) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get busy(): boolean {
    return this.running !== undefined;
  }

  get liveRun(): LiveRun | undefined {
    return this.running?.live;
  }

  /** The folder the chat on show asks about (links in it are looked up there first). */
  get currentFolder(): FolderRef | undefined {
    return this.current.folder;
  }

  /** What the Chat view shows (set-up status aside). */
  viewState(): { chat: ChatSnapshot; history: ReturnType<ChatStore['history']>; busy: boolean } {
    return { chat: snapshotOf(this.current), history: this.deps.store.history(), busy: this.busy };
  }

  /** Asks in the current chat. Resolves when the question has ended (answered, stopped or failed). */
  ask(question: string, options: AskOptions = {}): Promise<Exchange | undefined> {
    const before = this.running;
    const asked = this.askNow(question, options);
    if (this.running && this.running !== before) this.asking = asked;
    return asked;
  }

  private async askNow(question: string, options: AskOptions): Promise<Exchange | undefined> {
    if (this.disposed) return undefined;
    if (this.clearing) {
      this.deps.notify(l10n.t('RLM is clearing the chat history: ask again in a moment.'));
      return undefined;
    }
    if (this.running) {
      this.deps.notify(l10n.t('RLM is answering a question: stop it or wait for it to finish before asking another.'));
      return undefined;
    }
    if (options.chat === undefined && options.folder && this.current.folder && this.current.folder.uri !== options.folder.uri && this.current.exchanges.length > 0) {
      // A chat's session works over one folder: a question about another starts a chat of its own.
      this.switchTo(newChat());
      this.postState();
    }
    const chat = options.chat === undefined ? this.current : this.chatFor(options.chat);
    if (chat === this.current) void this.deps.store.setCurrent(chat.id);
    const now = Date.now();
    const exchange: ExchangeRecord = {
      id: `${chat.id}.q${chat.exchanges.length + 1}`,
      question,
      ...(options.focus ? { focus: options.focus } : {}),
      ...(options.attachments?.length ? { attached: options.attachments.map((item) => focusLabel(item, CHIP_WORDS)) } : {}),
      status: 'running',
      startedAt: now,
    };
    chat.exchanges.push(exchange);
    if (chat.exchanges.length === 1) chat.title = titleOf(question);
    chat.updatedAt = now;
    const live: LiveRun = {
      chatId: chat.id, exchangeId: exchange.id, title: titleOf(question), events: [], costUsd: 0, savedUsd: 0, unpriced: 0,
      maxCostUsd: null, maxRequests: null, startedAt: now,
    };
    const running: Running = { chat, exchange, live, controller: new AbortController() };
    this.running = running;
    const stopOnSignal = () => this.stop();
    if (options.signal?.aborted) stopOnSignal();
    options.signal?.addEventListener('abort', stopOnSignal, { once: true });
    this.deps.post({ type: 'run/start', chatId: chat.id, exchange: publicExchange(exchange) });
    this.emit({ kind: 'start', run: live });
    void this.save(chat);
    this.deps.log.info(`Question ${exchange.id}: ${question.slice(0, 200)}`);

    const batcher = new EventBatcher<RlmEvent>((events) => {
      this.deps.post({ type: 'run/events', chatId: chat.id, exchangeId: exchange.id, events: eventsForChat(events) });
      this.emit({ kind: 'events', run: live, events });
    }, this.deps.batchMs ?? EVENT_BATCH_MS);
    let writer: TraceWriter | undefined;
    let context: ProblemContext = { provider: 'openai' };
    try {
      const folder = chat.folder ?? options.folder ?? (await this.deps.pickFolder());
      if (!folder) throw new NotAsked(l10n.t('No folder was picked, so the question was not asked.'));
      chat.folder = folder;
      const settings = this.deps.settings(folder);
      const { limits, kept } = lowerLimits(limitsFrom(settings), options.limits);
      for (const line of kept) this.deps.log.info(`Question ${exchange.id}: ${line}`);
      live.maxCostUsd = Number.isFinite(limits.maxCostUsd) ? limits.maxCostUsd! : null;
      live.maxRequests = Number.isFinite(limits.maxRequests) ? limits.maxRequests! : null;
      const prepared = await this.unlessStopped(running, (options.models ?? this.deps.prepareModels)(settings));
      context = { provider: prepared.provider };
      if (prepared.key && !this.deps.secrets.includes(prepared.key)) this.deps.secrets.push(prepared.key);
      this.deps.log.info(`Answering with ${prepared.description}`);
      this.throwIfStopped(running);
      const workspace = await this.unlessStopped(running, this.deps.workspace(folder, settings));
      this.throwIfStopped(running);
      const focus = options.attachments?.length ? await this.unlessStopped(running, this.focusFor(exchange.id, options.attachments, folder, workspace)) : [];
      let rootFailure: ModelError | undefined;
      const models: ModelPair = { ...prepared.models, root: rememberingFailures(prepared.models.root, (err) => (rootFailure = err)) };
      const session = await this.unlessStopped(running, this.sessions.sessionFor(chat, workspace, {
        models,
        costOf: prepared.costOf,
        limits,
        compactWith: settings.compactWith,
        subCallCache: settings.cacheSubCalls ? this.deps.subCallCache?.(folder) : undefined,
      }));
      running.session = session;
      this.throwIfStopped(running);
      await this.ensureTracesDir();
      const trajectory = session.newTrajectory();
      exchange.traceFile = `${exchange.id}.rlm.jsonl`;
      writer = new TraceWriter(trajectory, join(this.deps.tracesDir, exchange.traceFile));
      // Saved now, so a window closed mid-run still finds the trace of the question it cut off.
      void this.save(chat);
      const result = await session.ask(questionForModel(question, options.focus), {
        trajectory,
        signal: running.controller.signal,
        focus,
        onEvent: (event) => {
          live.events.push(event);
          if (event.type === 'turn_end' || event.type === 'subcall_end' || event.type === 'compaction_end') {
            live.costUsd += event.costUsd;
            live.savedUsd += event.savedUsd ?? 0;
            if (event.unpriced) live.unpriced++;
          }
          logEvent(this.deps.log, event);
          batcher.push(event);
          if (options.onEvent) void this.safely('An event listener', () => options.onEvent!(event));
        },
      });
      const problem = problemFromStop(result.stopReason, result.detail, context, rootFailure);
      finish(exchange, {
        status: runStatus(result.stopReason),
        // Events are redacted by the engine; the answer comes straight from the sandbox. A huge one is kept whole in the trace only.
        ...shownAnswer(redactKnown(result.answer, this.deps.secrets)),
        stopReason: result.stopReason,
        ...describeProblem(problem, this.deps.secrets, result.detail),
        costUsd: result.usage.total.costUsd,
        ...(result.usage.total.unpriced ? { unpricedCalls: result.usage.total.unpriced } : {}),
        ...(result.usage.total.savedUsd ? { savedUsd: result.usage.total.savedUsd } : {}),
        inputTokens: result.usage.total.inputTokens,
        outputTokens: result.usage.total.outputTokens,
      });
      chat.snapshot = redactSnapshot(session.snapshot(), this.deps.secrets);
      await this.keepChanges(chat, exchange, folder, result.edits);
      if (options.onResult) await this.safely('A result listener', () => options.onResult!(result, folder));
    } catch (err) {
      if (err instanceof NotAsked) {
        finish(exchange, { status: 'cancelled', detail: err.message });
      } else if (running.controller.signal.aborted && !(err instanceof SetupProblem)) {
        finish(exchange, { status: 'cancelled', detail: l10n.t('Stopped before the run started.') });
      } else {
        const problem = problemFromError(err, context);
        this.deps.log.error(`Question ${exchange.id} failed: ${problem.message}${err instanceof Error && !(err instanceof SetupProblem) && !(err instanceof ModelError) ? `\n${err.stack ?? ''}` : ''}`);
        finish(exchange, { status: 'error', ...describeProblem(problem, this.deps.secrets) });
      }
    } finally {
      options.signal?.removeEventListener('abort', stopOnSignal);
      if (running.indexingStopped) exchange.detail = running.indexingStopped;
      try {
        writer?.close();
      } catch (err) {
        this.deps.log.warn(`Could not finish the trace ${exchange.traceFile}: ${(err as Error).message}`);
      }
      batcher.flush();
      exchange.durationMs = Date.now() - exchange.startedAt;
      exchange.costUsd ??= live.costUsd;
      if (exchange.unpricedCalls === undefined && live.unpriced > 0) exchange.unpricedCalls = live.unpriced;
      if (exchange.savedUsd === undefined && live.savedUsd !== 0) exchange.savedUsd = live.savedUsd;
      chat.updatedAt = Date.now();
      this.running = undefined;
      this.deps.post({ type: 'run/end', chatId: chat.id, exchange: publicExchange(exchange) });
      this.emit({ kind: 'end', run: live, exchange: publicExchange(exchange) });
      await this.save(chat);
    }
    return publicExchange(exchange);
  }

  /** The chips of attachments the Chat view asked for, checked against the folder the chat asks about. */
  async attachmentChips(refs: readonly AttachmentRef[], folder: FolderRef): Promise<AttachmentChip[]> {
    const settings = this.deps.settings(folder);
    return (await this.attached(refs, folder, await this.deps.workspace(folder, settings))).map((a) => a.chip);
  }

  /** The folder's files for a `#` typed in the question box. */
  async completePaths(query: string, folder: FolderRef): Promise<{ paths: string[]; partial: boolean }> {
    return completePaths(await this.deps.workspace(folder, this.deps.settings(folder)), query);
  }

  /** What a question's attachments give the model, checked again now; the refused ones are logged and left out. */
  private async focusFor(exchangeId: string, refs: readonly AttachmentRef[], folder: FolderRef, workspace: Workspace): Promise<FocusItem[]> {
    const attached = await this.attached(refs, folder, workspace);
    for (const { chip } of attached) if (chip.refused) this.deps.log.info(`Question ${exchangeId}: ${chip.label} is not attached: ${chip.detail}`);
    return attached.flatMap((a) => (a.item ? [a.item] : []));
  }

  private attached(refs: readonly AttachmentRef[], folder: FolderRef, workspace: Workspace): Promise<Attached[]> {
    return attach(refs, {
      workspace,
      problems: () => this.deps.problems?.(folder) ?? [],
      changes: () => this.deps.changes?.(folder) ?? Promise.reject(new Error(l10n.t('Uncommitted changes cannot be attached here'))),
    });
  }

  /** A run's proposed edits go to review, kept beside its trace; a run that proposed nothing has none. */
  private async keepChanges(chat: ChatRecord, exchange: ExchangeRecord, folder: FolderRef, edits: RunResult['edits']): Promise<void> {
    if (!edits || (edits.changes.size === 0 && !edits.conflicts.some((c) => !c.resolved))) return;
    if (!this.deps.reviews) {
      this.deps.log.warn(`Question ${exchange.id} proposed edits to ${edits.changes.size} files, but there is nowhere to review them`);
      return;
    }
    try {
      const { file, ...size } = await this.deps.reviews.add(chat.id, exchange.id, folder, edits);
      exchange.changesFile = file;
      exchange.changes = size;
      this.deps.log.info(`Question ${exchange.id} proposed edits to ${size.files} file(s) (+${size.added} -${size.removed}), kept in ${file} for review`);
    } catch (err) {
      this.deps.log.error(`Could not keep the proposed edits of ${exchange.id}: ${(err as Error).message}`);
      exchange.detail = l10n.t('The run proposed edits, but they could not be kept for review: {0}', (err as Error).message);
    }
  }

  /**
   * Stops the running question: it ends within a second with its best answer. When its folder is still being
   * indexed for the first time, the indexing stops too (the question is kept, with a note saying so).
   */
  stop(): void {
    const running = this.running;
    if (!running) return;
    const folder = running.chat.folder;
    const progress = folder && this.deps.stopIndexing?.(folder);
    if (folder && progress) {
      running.indexingStopped = l10n.t('Stopped while indexing {0} ({1}). Ask again to go on: what was indexed is kept.', folder.name, progress);
      this.deps.log.info(`Stopped the indexing of ${folder.name} (${progress})`);
    }
    running.controller.abort(new Error('stopped by the user'));
    running.session?.cancel();
  }

  /**
   * A question whose folder is still being indexed for the first time stops, with the indexing; another goes on.
   * For closing the chat, and RLM: Stop Indexing.
   */
  stopIfIndexing(): void {
    const folder = this.running?.chat.folder;
    if (folder && this.deps.indexing?.(folder)) this.stop();
  }

  /** Starts an empty chat (the current one stays in the history). */
  newChat(): void {
    if (this.current.exchanges.length > 0) this.switchTo(newChat());
    this.postState();
  }

  /** Shows a saved chat; its session comes back at its next question. */
  openChat(id: string): void {
    const chat = this.chats.get(id) ?? this.deps.store.load(id);
    if (!chat) {
      this.deps.post({ type: 'chat/history', history: this.deps.store.history() });
      return;
    }
    this.switchTo(chat);
    this.postState();
  }

  /** The chat view (re)loaded: everything it shows, and the running question's events so far. */
  postState(): void {
    this.deps.post({ type: 'chat/state', ...this.viewState(), setup: this.deps.setup() });
    this.deps.reviews?.show(this.current);
  }

  /** The tree of one question's run: live from memory while it runs, else read from its trace file. */
  async runTree(exchangeId: string, signal?: AbortSignal): Promise<TreeReset> {
    const running = this.running;
    if (running?.exchange.id === exchangeId) return { title: running.live.title, events: [...running.live.events], live: true };
    const exchange = this.findExchange(exchangeId);
    const title = exchange ? titleOf(exchange.question) : l10n.t('Unknown question');
    if (!exchange) return { title, events: [], live: false, error: l10n.t('This question is not in the chat history any more.') };
    if (!exchange.traceFile || !TRACE_FILE.test(exchange.traceFile)) {
      return { title, events: [], live: false, error: l10n.t('This question has no trace: it ended before its run started.') };
    }
    const file = join(this.deps.tracesDir, exchange.traceFile);
    try {
      const trace = await readTraceAsync(file, { signal });
      return { title, events: trace.events, live: false, source: { file, receipt: trace.receipt, skipped: trace.skipped } };
    } catch (err) {
      return { title, events: [], live: false, error: (err as Error).message };
    }
  }

  /**
   * An exchange's whole answer: the one the chat holds, or, for an answer longer than the chat keeps, the one in
   * its trace (read from the trace's end). Throws with what to do when it cannot be found.
   */
  async wholeAnswer(exchangeId: string): Promise<string> {
    const exchange = this.findExchange(exchangeId);
    if (!exchange?.answer) throw new Error(l10n.t('This answer is not in the chat history any more.'));
    if (exchange.answerChars === undefined) return exchange.answer;
    if (!exchange.traceFile || !TRACE_FILE.test(exchange.traceFile)) throw new Error(l10n.t('This answer was kept in its trace, and the question has none.'));
    const end = await readLastRunEnd(join(this.deps.tracesDir, exchange.traceFile));
    if (!end) throw new Error(l10n.t('The trace {0} does not end with the answer (it was cut short): only its start, shown in the chat, is left.', exchange.traceFile));
    return redactKnown(end.answer, this.deps.secrets);
  }

  /**
   * Forgets every chat of this workspace: the stored chats, their traces and proposed edits, the sessions, and the
   * chat on show (a running question is stopped first). Returns how many chats went.
   */
  async clearHistory(): Promise<number> {
    this.clearing = true;
    try {
      return await this.clearAll();
    } finally {
      this.clearing = false;
    }
  }

  private async clearAll(): Promise<number> {
    this.stop();
    await this.asking?.catch(() => undefined);
    const stored = await this.deps.store.clear();
    const chats = new Map([...this.chats, ...stored.map((c) => [c.id, c] as const)]);
    for (const id of chats.keys()) this.sessions.drop(id);
    const exchanges = [...chats.values()].flatMap((c) => c.exchanges);
    await this.deps.reviews?.forget(exchanges.flatMap((e) => (e.changesFile ? [e.changesFile] : [])));
    // Every trace in the folder, also one a crash left without its chat.
    const files = await readdir(this.deps.tracesDir).catch(() => [] as string[]);
    for (const file of files) if (TRACE_FILE.test(file)) await rm(join(this.deps.tracesDir, file), { force: true });
    this.chats.clear();
    this.switchTo(newChat());
    this.postState();
    this.deps.log.info(`Chat history cleared: ${[...chats.values()].filter((c) => c.exchanges.length > 0).length} chat(s), ${files.filter((f) => TRACE_FILE.test(f)).length} trace(s)`);
    return stored.length;
  }

  /** A folder left the window: its sessions go (their chats come back from snapshots if it returns). */
  folderRemoved(uri: string): void {
    if (this.running?.chat.folder?.uri === uri) this.stop();
    this.sessions.dropWhere((chatId) => this.chats.get(chatId)?.folder?.uri === uri);
  }

  /** Sessions over a workspace that was reopened (new excludes) or closed are restored at their next question. */
  workspaceReplaced(old: Workspace): void {
    this.sessions.dropOver(old);
  }

  dispose(): void {
    this.disposed = true;
    this.stop();
    this.sessions.dispose();
    this.listeners.clear();
  }

  /** The chat a question from elsewhere goes to: a saved one by id (a new one when it is gone), or a new one. */
  private chatFor(id: string): ChatRecord {
    const chat = (id === NEW_CHAT ? undefined : this.chats.get(id) ?? this.deps.store.load(id)) ?? newChat();
    this.chats.set(chat.id, chat);
    return chat;
  }

  /** Runs a caller's listener; its failure is logged, never the question's. */
  private async safely(what: string, listener: () => void | Promise<void>): Promise<void> {
    try {
      await listener();
    } catch (err) {
      this.deps.log.error(`${what} failed: ${(err as Error).message}`);
    }
  }

  private switchTo(chat: ChatRecord): void {
    this.current = chat;
    this.chats.set(chat.id, chat);
    void this.deps.store.setCurrent(chat.id);
  }

  private findExchange(exchangeId: string): ExchangeRecord | undefined {
    const chatId = chatOfExchange(exchangeId);
    const chat = this.chats.get(chatId) ?? this.deps.store.load(chatId);
    return chat?.exchanges.find((e) => e.id === exchangeId);
  }

  private throwIfStopped(running: Running): void {
    if (running.controller.signal.aborted) throw new Error('stopped');
  }

  /**
   * `step`'s value, or a throw as soon as the question is stopped, so a stop while the models, the folder or the
   * sandbox get ready ends the question within a second. The step goes on by itself: the workspace and the session
   * it opens are kept for the next question.
   */
  private unlessStopped<T>(running: Running, step: Promise<T>): Promise<T> {
    const signal = running.controller.signal;
    if (signal.aborted) {
      step.catch(() => undefined);
      return Promise.reject(new Error('stopped'));
    }
    return new Promise<T>((resolve, reject) => {
      const stopped = () => reject(new Error('stopped'));
      signal.addEventListener('abort', stopped, { once: true });
      step.then(resolve, reject).finally(() => signal.removeEventListener('abort', stopped));
    });
  }

  private ensureTracesDir(): Promise<void> {
    this.tracesReady ??= mkdir(this.deps.tracesDir, { recursive: true }).then(() => undefined, (err) => {
      this.tracesReady = undefined;
      throw err;
    });
    return this.tracesReady;
  }

  private async save(chat: ChatRecord): Promise<void> {
    try {
      const dropped = await this.deps.store.save(chat);
      for (const old of dropped) {
        this.sessions.drop(old.id);
        this.chats.delete(old.id);
        for (const e of old.exchanges) {
          if (e.traceFile && TRACE_FILE.test(e.traceFile)) await rm(join(this.deps.tracesDir, basename(e.traceFile)), { force: true });
        }
        await this.deps.reviews?.forget(old.exchanges.flatMap((e) => (e.changesFile ? [e.changesFile] : [])));
      }
      this.deps.post({ type: 'chat/history', history: this.deps.store.history() });
    } catch (err) {
      this.deps.log.error(`Could not save the chat ${chat.id}: ${(err as Error).message}`);
    }
  }

  private emit(update: RunUpdate): void {
    for (const listener of this.listeners) {
      try {
        listener(update);
      } catch (err) {
        this.deps.log.error(`A run listener failed: ${(err as Error).message}`);
      }
    }
  }
}

/** A question that ends before it is asked, by the user's choice (no folder picked). */
class NotAsked extends Error {}

/** What the model is asked: the question, and the part of a file it is about. */
export function questionForModel(question: string, focus: Focus | undefined): string {
  if (!focus) return question;
  const lines = focus.startLine === focus.endLine ? `line ${focus.startLine}` : `lines ${focus.startLine}-${focus.endLine}`;
  return `${question}\n\n(The question is about ${focus.path}, ${lines}: start there, with read(${JSON.stringify(focus.path)}, ${focus.startLine}, ${focus.endLine}).)`;
}

function newChat(): ChatRecord {
  const now = Date.now();
  return { id: `c${now.toString(36)}${randomBytes(3).toString('hex')}`, title: l10n.t('New chat'), createdAt: now, updatedAt: now, exchanges: [] };
}

function redactSnapshot(snapshot: SessionSnapshot, secrets: readonly string[]): SessionSnapshot {
  return { ...snapshot, exchanges: snapshot.exchanges.map((e) => ({ ...e, answer: redactKnown(e.answer, secrets) })) };
}


function finish(exchange: ExchangeRecord, outcome: Partial<Exchange> & { status: Exchange['status'] }): void {
  Object.assign(exchange, outcome);
}

/** What went wrong, for the page and the store: redacted like the log, and of credential shapes (a server may echo one). */
function describeProblem(problem: Problem | undefined, secrets: readonly string[], fallback?: string): Pick<Exchange, 'detail' | 'actions'> {
  if (!problem) return fallback ? { detail: redactSecrets(fallback, secrets) } : {};
  return { detail: redactSecrets(problem.message, secrets), ...(problem.actions.length > 0 ? { actions: problem.actions } : {}) };
}

export function publicExchange(exchange: ExchangeRecord): Exchange {
  const { traceFile, changesFile: _changesFile, ...rest } = exchange;
  return traceFile === undefined && rest.status !== 'running' && rest.stopReason === undefined ? { ...rest, noRun: true } : { ...rest };
}

/** The chat a question belongs to: exchange ids are `<chat>.q<n>`. */
export function chatOfExchange(exchangeId: string): string {
  return exchangeId.replace(/\.q\d+$/, '');
}

export function snapshotOf(chat: ChatRecord): ChatSnapshot {
  return { ...summaryOf(chat), exchanges: chat.exchanges.map(publicExchange) };
}

/** The root model, remembering its last failure: a run that ends in error then says which kind, and the fix. */
function rememberingFailures(model: ChatModel, remember: (err: ModelError) => void): ChatModel {
  return {
    provider: model.provider,
    name: model.name,
    contextWindow: model.contextWindow,
    // Without it a stand-in window (a local model nobody set one for) would pass for known, and go unguarded.
    contextWindowKnown: model.contextWindowKnown,
    complete: (request) => model.complete(request).catch((err: unknown) => {
      if (err instanceof ModelError) remember(err);
      throw err;
    }),
  };
}
