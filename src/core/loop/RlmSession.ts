// An RLM session: one sandbox that lives across questions (variables persist, as in a chat), the models,
// and the context. `ask` runs the loop for one question; `rlm_query` starts child sessions below it. A
// chat UI keeps one session per conversation: it may change models and limits between questions, cancel
// a question (or dispose of the session, which cancels it too), and save the conversation as JSON to
// restore it after a window reload.

import type { CostOf } from './Budget';
import { Sandbox } from '../sandbox/Sandbox';
import { truncateOutput } from '../sandbox/truncate';
import type { HostFunctionSpec } from '../sandbox/types';
import type { ContextMeta, RlmEventListener, StopReason } from '../trajectory/events';
import { Trajectory } from '../trajectory/Trajectory';
import { TraceSession } from '../trajectory/TraceSession';
import type { Workspace } from '../workspace/types';
import type { PriorExchange } from './messages';
import { modelNotes } from './modelNotes';
import { resolveLimits, type ModelPair, type RlmContext, type RlmLimits, type RlmLimitsInput } from './options';
import { rlmLoop } from './rlmLoop';
import { RlmRun, type RunResult } from './RlmRun';
import { Repl } from './Repl';
import { RunScope } from './RunScope';
import { RunEdits, type EditView } from './RunEdits';
import { SubCalls, promptCharsFor } from './SubCalls';
import { keepingNoSecrets, type SubCallCache } from './SubCallCache';
import { editFunctions } from './editFunctions';
import type { FocusItem } from './focus';
import { syntaxSymbols } from '../edits/syntaxSymbols';
import { buildSystemPrompt } from './systemPrompt';
import { SYNTAX_FUNCTION_DOCS, SYNTAX_PRELUDE, workspaceFunctions, WORKSPACE_PRELUDE } from './workspaceFunctions';

export interface RlmSessionOptions {
  models: ModelPair;
  context: RlmContext;
  limits?: RlmLimitsInput;
  /** Prices a call in USD (the models layer's price table); free when absent. */
  costOf?: CostOf;
  /** Strings redacted from every event (API keys), as defence in depth. */
  secrets?: Array<string | undefined>;
  /** A conversation saved by `snapshot()`: its questions and answers become the session's history. */
  restore?: SessionSnapshot;
  /** Which model writes the summary when a root history is compacted (RootHistory.ts); default the root model. */
  compactWith?: 'root' | 'sub';
  /** Sub-call answers reused across questions (SubCallCache.ts); absent: every sub-call is sent. */
  subCallCache?: SubCallCache;
  /**
   * Lend model code the edit functions (propose_edit and friends) in a workspace; default true. A host that
   * cannot show proposals for review yet turns them off, so the model is not told it can change files.
   */
  proposeEdits?: boolean;
}

/** What a chat may change between questions; the REPL and its variables stay. */
export type SessionSettings = Pick<RlmSessionOptions, 'models' | 'costOf' | 'compactWith' | 'subCallCache'> & { limits?: RlmLimitsInput };

export interface AskOptions {
  signal?: AbortSignal;
  onEvent?: RlmEventListener;
  /**
   * Supply a trajectory to attach writers (a JSONL trace) before the run starts; make it with
   * `session.newTrajectory()` so its events carry the session's ids and numbering.
   */
  trajectory?: Trajectory;
  /** Stream sub-call replies as model_text events (off by default: it costs CPU on big fan-outs). */
  streamSubCalls?: boolean;
  /** What the user attached, checked by resolveFocus (focus.ts): named in the first message, context.focus in the REPL. */
  focus?: FocusItem[];
}

/** One answered question, as a chat history keeps it. */
export interface SessionExchange {
  question: string;
  answer: string;
  stopReason: StopReason;
  /** The SHA-256 receipt of the question's trace. */
  receipt?: string;
}

/**
 * A conversation's answers in a snapshot are cut head and tail past this: the model's history shows 600
 * characters of each (messages.ts), and a UI keeps the answers it shows on its own, so a huge answer is not
 * stored twice. The trace keeps every answer whole.
 */
export const SNAPSHOT_ANSWER_CHARS = 4_000;

/** A conversation as JSON: enough to give the model its history after a reload (answers cut, see SNAPSHOT_ANSWER_CHARS). */
export interface SessionSnapshot {
  version: 1;
  sessionId: string;
  /** The seq the session's next event gets, so a restored chat numbers its events on. */
  nextSeq: number;
  exchanges: SessionExchange[];
}

// Engine functions written in JavaScript, on top of the host functions. They are locked like host functions.
const ENGINE_PRELUDE = `
function FINAL_VAR(name) {
  if (typeof name !== 'string') throw new Error('FINAL_VAR expects the variable name as a string, e.g. FINAL_VAR("report")');
  if (!(name in globalThis)) throw new Error('FINAL_VAR: there is no variable named ' + name + '; SHOW_VARS() lists your variables');
  return FINAL(globalThis[name]);
}
`;

// In a workspace session, context.question always reads the question being answered now, context.focus what
// the user attached to it, and context.workspace the folder as it is now (its file list may still be growing
// when the session starts).
const QUESTION_GETTER = `
Object.defineProperty(context, 'question', { get: () => __rlm_question(), enumerable: true, configurable: true });
Object.defineProperty(context, 'focus', { get: () => __rlm_focus(), enumerable: true, configurable: true });
Object.defineProperty(context, 'workspace', { get: () => __rlm_workspace(), enumerable: true, configurable: true });
`;

interface SessionShape {
  depth: number;
  parentRunId?: string;
  /** A child's parent run's proposals: the child's edits start from them (as they were when it started). */
  parentEdits?: RunEdits;
  parentView?: EditView;
}

export class RlmSession {
  private run: RlmRun | undefined;
  /** The attachments of the question being answered (context.focus). */
  private focus: FocusItem[] = [];
  private readonly history: PriorExchange[];
  private readonly exchanges: SessionExchange[];
  private runSeq = 0;
  private current: AbortController | undefined;
  private disposed = false;

  private constructor(
    private options: RlmSessionOptions,
    private limits: RlmLimits,
    private readonly shape: SessionShape,
    private readonly repl: Repl,
    /** What the first message says of the context: read at each question (a workspace's file list may have grown). */
    private readonly meta: () => ContextMeta,
    /** The session's id and event counter, shared by the traces of all its questions. */
    private readonly trace: TraceSession,
  ) {
    // A restored conversation belongs to the top-level session, not to the child runs it starts.
    const restored = shape.depth === 0 ? options.restore?.exchanges ?? [] : [];
    this.exchanges = restored.map((e) => ({ ...e }));
    // Restored answers came from an earlier REPL: their variables are gone.
    this.history = restored.map((e) => ({ question: e.question, answer: e.answer, variablesLost: true }));
  }

  static async create(options: RlmSessionOptions): Promise<RlmSession> {
    const trace = new TraceSession(options.restore ? { id: options.restore.sessionId, nextSeq: options.restore.nextSeq } : {});
    return RlmSession.open(options, resolveLimits(options.limits), { depth: 0 }, undefined, trace);
  }

  private static async open(options: RlmSessionOptions, limits: RlmLimits, shape: SessionShape, childContext: unknown, trace: TraceSession): Promise<RlmSession> {
    const { context } = options;
    const workspace = context.kind === 'workspace' ? context.workspace : undefined;
    const edits = workspace !== undefined && options.proposeEdits !== false;
    let session: RlmSession | undefined;
    const current = () => {
      if (!session?.run) throw new Error('no question is being answered');
      return session.run;
    };
    const subCalls = () => new SubCalls(current());
    const functions: Record<string, HostFunctionSpec> = {
      llm_query: { kind: 'model', fn: (args, call) => subCalls().query(args, call) },
      llm_query_batched: { kind: 'model', fn: (args, call) => subCalls().batched(args, call) },
      rlm_query: { kind: 'model', fn: (args, call) => subCalls().recurse(args, call) },
      FINAL: { fn: ([value]) => current().setFinal(value) },
      __rlm_question: { fn: () => session?.run?.question ?? '' },
      __rlm_focus: { fn: () => session?.focus ?? [] },
      ...(workspace ? { __rlm_workspace: { fn: () => workspace.summary() } } : {}),
      // read() answers from the run's proposals for files it proposed to change; the files read go in the cell's end event.
      ...(workspace ? workspaceFunctions(workspace, (path) => edits && session?.run?.edits.touches(path) ? session.run.edits : undefined, (path) => session?.run?.noteRead(path)) : {}),
      ...(edits ? editFunctions(current) : {}),
    };
    const contextValue = childContext !== undefined ? childContext : context.kind === 'text' ? context.text : { workspace: workspace!.summary() };
    const prelude = ENGINE_PRELUDE
      + (workspace ? WORKSPACE_PRELUDE : '')
      + (workspace?.syntax ? SYNTAX_PRELUDE : '')
      + (workspace && childContext === undefined ? QUESTION_GETTER : '');
    const createSandbox = () => Sandbox.create({ limits: limits.sandbox, functions, globals: { context: contextValue }, prelude });
    session = new RlmSession(options, limits, shape, new Repl(await createSandbox(), createSandbox), () => describe(context, childContext), trace);
    return session;
  }

  /** Unique across sessions: every event id of this session starts with it. */
  get id(): string {
    return this.trace.id;
  }

  /** A trajectory for this session's next question, to attach a trace writer to before calling ask(). */
  newTrajectory(): Trajectory {
    return new Trajectory({ secrets: this.options.secrets, session: this.trace });
  }

  /** True while a question is being answered. */
  get busy(): boolean {
    return this.current !== undefined;
  }

  /**
   * Changes the models or limits for the next questions; the REPL and its variables stay. The cell deadline
   * applies from the next cell; the sandbox's memory and stack limits stay as they were when it started.
   */
  configure(changes: Partial<SessionSettings>): void {
    if (this.busy) throw new Error('This session is answering a question; change its settings once it has finished (or cancel it).');
    const { limits, ...options } = changes;
    // A key given as undefined turns its option off (no sub-call cache); absent keys keep theirs.
    this.options = { ...this.options, ...options, ...(options.models ? {} : { models: this.options.models }) };
    if (limits) this.limits = resolveLimits({ ...this.limits, ...limits, sandbox: { ...this.limits.sandbox, ...limits.sandbox } });
  }

  /** Answers one question. Questions in one session run one after another on the same sandbox. */
  async ask(question: string, options: AskOptions = {}): Promise<RunResult> {
    if (this.disposed) throw new Error('This session was closed; start a new one.');
    if (this.busy) throw new Error('This session is already answering a question; wait for it or cancel it first.');
    const controller = new AbortController();
    this.current = controller;
    const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
    const trajectory = options.trajectory ?? this.newTrajectory();
    const unsubscribe = options.onEvent ? trajectory.on((event) => options.onEvent!(event)) : undefined;
    const scope = RunScope.forQuestion(this.limits, this.options.costOf ?? (() => 0), trajectory, signal);
    this.focus = options.focus ?? [];
    try {
      // Ids start with the id of the trajectory's session (this session's, unless the caller made its own).
      const result = await this.answer(question, scope, `${trajectory.session.id}.r${++this.runSeq}`, options);
      const receipt = trajectory.receipt();
      this.history.push({ question, answer: result.answer });
      this.exchanges.push({ question, answer: result.answer, stopReason: result.stopReason, receipt: receipt.sha256 });
      return { ...result, receipt };
    } finally {
      scope.close();
      unsubscribe?.();
      this.current = undefined;
    }
  }

  /** Cancels the question being answered, if any (it ends within a second with its best answer). */
  cancel(): void {
    this.current?.abort(new Error('the question was cancelled'));
  }

  /** The conversation so far, as JSON a UI can store and pass back as `restore`. */
  snapshot(): SessionSnapshot {
    return {
      version: 1, sessionId: this.id, nextSeq: this.trace.nextSeq,
      exchanges: this.exchanges.map((e) => ({ ...e, answer: truncateOutput(e.answer, SNAPSHOT_ANSWER_CHARS) })),
    };
  }

  /** Variables the model created, for a UI's variable view. */
  variables(): Array<{ name: string; type: string; summary: string }> {
    return this.repl.variables();
  }

  /** Cancels a running question and frees the sandbox. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.cancel();
    this.repl.dispose();
  }

  private async answer(question: string, scope: RunScope, id: string, ask: AskOptions): Promise<RunResult> {
    const models = this.options.models;
    const workspace = this.options.context.kind === 'workspace' ? this.options.context.workspace : undefined;
    const edits = workspace && this.proposesEdits ? this.newEdits(workspace, scope) : undefined;
    this.run = new RlmRun(id, scope, this.shape.depth, question, models, this.repl,
      (parent, prompt, context, signal) => this.child(parent, prompt, context, signal), this.shape.parentRunId,
      {
        streamSubCalls: ask.streamSubCalls,
        compactWith: this.options.compactWith,
        subCallCache: this.options.subCallCache && keepingNoSecrets(this.options.subCallCache, this.options.secrets ?? []),
      }, edits);
    try {
      const rootModel = this.run.rootModel;
      const subCallChars = promptCharsFor(models.sub);
      const systemPrompt = buildSystemPrompt({
        contextKind: this.shape.depth > 0 ? 'child' : this.options.context.kind,
        hasWorkspace: workspace !== undefined,
        edits: edits !== undefined,
        outputChars: this.limits.outputChars,
        subCallChars,
        canRecurse: this.run.canRecurse,
        concurrency: this.limits.concurrency,
        cellTimeoutMs: this.limits.sandbox.cellTimeoutMs,
        extraFunctions: workspace?.syntax ? SYNTAX_FUNCTION_DOCS : undefined,
        notes: modelNotes(rootModel.name, subCallChars),
      });
      return await rlmLoop(this.run, { systemPrompt, context: this.meta(), history: this.history, focus: this.focus });
    } finally {
      this.run = undefined;
    }
  }

  /** A run's proposals: over the workspace at the top, over its parent's proposals in a child run. */
  private newEdits(workspace: Workspace, scope: RunScope): RunEdits {
    const view = this.shape.parentView;
    const symbols = workspace.syntax ? syntaxSymbols(workspace.syntax) : undefined;
    return new RunEdits(view ? view.read : (path) => workspace.readText(path), symbols, scope.trajectory, view?.touched);
  }

  /**
   * rlm_query below max depth: a child session with its own sandbox, sharing the parent's budget and events.
   * Its proposed edits are folded into the parent's before rlm_query returns, in the order the calls were made.
   */
  private async child(parent: RlmRun, prompt: string, context: unknown, signal: AbortSignal): Promise<RunResult> {
    const { id, seq } = parent.nextChild();
    const shape: SessionShape = { depth: parent.depth + 1, parentRunId: parent.currentCellId ?? parent.id, ...(this.proposesEdits ? { parentEdits: parent.edits, parentView: parent.edits.snapshot() } : {}) };
    const childContext = context === undefined ? prompt : context;
    const scope = parent.scope.child(signal);
    let result: RunResult | undefined;
    try {
      const child = await RlmSession.open(this.options, this.limits, shape, childContext, this.trace);
      try {
        result = await child.answer(prompt, scope, id, {});
      } finally {
        child.dispose();
      }
    } finally {
      scope.close();
      // Every started child takes its turn in the plan, even one that failed, so later partitions do not wait.
      const proposals = result && result.stopReason !== 'cancelled' ? result.edits?.changes : undefined;
      const note = shape.parentEdits ? await shape.parentEdits.partitionReturned(seq, partitionName(seq, prompt), prompt, proposals) : '';
      if (result && note) result = result.answer !== '' || result.stopReason === 'final' ? { ...result, answer: `${result.answer}\n\n${note}` } : { ...result, detail: `${result.detail ?? ''} ${note}`.trim() };
    }
    return result;
  }

  private get proposesEdits(): boolean {
    return this.options.context.kind === 'workspace' && this.options.proposeEdits !== false;
  }
}

/** A partition's name in summaries and conflicts: its place in the plan and the start of its instruction. */
function partitionName(seq: number, instruction: string): string {
  const first = instruction.trim().split('\n')[0]!;
  return `partition ${seq}: ${first.length > 60 ? `${first.slice(0, 57)}...` : first}`;
}

function describe(context: RlmContext, childContext: unknown): ContextMeta {
  if (childContext !== undefined) {
    const size = typeof childContext === 'string' ? childContext.length : JSON.stringify(childContext)?.length ?? 0;
    return { type: 'text', size };
  }
  if (context.kind === 'text') return { type: 'text', size: context.text.length };
  const s = context.workspace.summary();
  return { type: 'workspace', size: s.bytes, files: s.files, languages: s.languages, ...(s.incomplete ? { incomplete: true } : {}) };
}

export type { Workspace };
