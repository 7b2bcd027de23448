// An RLM session: one sandbox that lives across questions (variables persist, as in a chat), the models,
// and the context. `ask` runs the loop for one question; `rlm_query` starts child sessions below it.

import type { CostOf } from './Budget';
import { Sandbox } from '../sandbox/Sandbox';
import type { HostFunctionSpec } from '../sandbox/types';
import type { ContextMeta, RlmEventListener } from '../trajectory/events';
import { Trajectory } from '../trajectory/Trajectory';
import type { Workspace } from '../workspace/types';
import type { PriorExchange } from './messages';
import { modelNotes } from './modelNotes';
import { resolveLimits, type ModelPair, type RlmContext, type RlmLimits, type RlmLimitsInput } from './options';
import { rlmLoop } from './rlmLoop';
import { RlmRun, type RunResult } from './RlmRun';
import { Repl } from './Repl';
import { RunScope } from './RunScope';
import { SubCalls, promptCharsFor } from './SubCalls';
import { buildSystemPrompt } from './systemPrompt';
import { SYNTAX_FUNCTION_DOCS, workspaceFunctions, WORKSPACE_PRELUDE } from './workspaceFunctions';

export interface RlmSessionOptions {
  models: ModelPair;
  context: RlmContext;
  limits?: RlmLimitsInput;
  /** Prices a call in USD (the models layer's price table); free when absent. */
  costOf?: CostOf;
  /** Strings redacted from every event (API keys), as defence in depth. */
  secrets?: Array<string | undefined>;
}

export interface AskOptions {
  signal?: AbortSignal;
  onEvent?: RlmEventListener;
  /** Supply a trajectory to attach writers (a JSONL trace) before the run starts. */
  trajectory?: Trajectory;
}

// Engine functions written in JavaScript, on top of the host functions. They are restored after every cell.
const ENGINE_PRELUDE = `
function FINAL_VAR(name) {
  if (typeof name !== 'string') throw new Error('FINAL_VAR expects the variable name as a string, e.g. FINAL_VAR("report")');
  if (!(name in globalThis)) throw new Error('FINAL_VAR: there is no variable named ' + name + '; SHOW_VARS() lists your variables');
  return FINAL(globalThis[name]);
}
`;

interface SessionShape {
  depth: number;
  /** The current question's scope, shared with child sessions. */
  scope?: RunScope;
  parentRunId?: string;
}

export class RlmSession {
  private run: RlmRun | undefined;
  private readonly history: PriorExchange[] = [];
  private runSeq = 0;
  private busy = false;

  private constructor(
    private readonly options: RlmSessionOptions,
    private readonly limits: RlmLimits,
    private readonly shape: SessionShape,
    private readonly repl: Repl,
    private readonly meta: ContextMeta,
  ) {}

  static async create(options: RlmSessionOptions): Promise<RlmSession> {
    return RlmSession.open(options, resolveLimits(options.limits), { depth: 0 });
  }

  private static async open(options: RlmSessionOptions, limits: RlmLimits, shape: SessionShape, childContext?: unknown): Promise<RlmSession> {
    const { context } = options;
    const workspace = context.kind === 'workspace' ? context.workspace : undefined;
    const meta = describe(context, childContext);
    let session: RlmSession | undefined;
    const current = () => {
      if (!session?.run) throw new Error('no question is being answered');
      return session.run;
    };
    const subCalls = () => new SubCalls(current());
    const functions: Record<string, HostFunctionSpec> = {
      llm_query: { kind: 'model', fn: (prompt, opts) => subCalls().query(prompt, opts) },
      llm_query_batched: { kind: 'model', fn: (prompts, opts) => subCalls().batched(prompts, opts) },
      rlm_query: { kind: 'model', fn: (prompt, opts) => subCalls().recurse(prompt, opts) },
      FINAL: { fn: (value) => current().setFinal(value) },
      __rlm_question: { fn: () => session?.run?.question ?? '' },
      ...(workspace ? workspaceFunctions(workspace) : {}),
    };
    const contextValue = childContext !== undefined ? childContext : context.kind === 'text' ? context.text : { workspace: workspace!.summary() };
    const createSandbox = () => Sandbox.create({
      limits: limits.sandbox,
      functions,
      globals: { context: contextValue },
      prelude: ENGINE_PRELUDE + (workspace ? WORKSPACE_PRELUDE : '') + (context.kind === 'workspace' && childContext === undefined ? QUESTION_GETTER : ''),
    });
    session = new RlmSession(options, limits, shape, new Repl(await createSandbox(), createSandbox), meta);
    return session;
  }

  /** Answers one question. Questions in one session run one after another on the same sandbox. */
  async ask(question: string, options: AskOptions = {}): Promise<RunResult> {
    if (this.busy) throw new Error('This session is already answering a question; wait for it or cancel it first.');
    this.busy = true;
    const trajectory = options.trajectory ?? new Trajectory({ secrets: this.options.secrets });
    const unsubscribe = options.onEvent ? trajectory.on((event) => options.onEvent!(event)) : undefined;
    const scope = new RunScope(this.limits, this.options.costOf ?? (() => 0), trajectory, options.signal);
    try {
      const result = await this.answer(question, scope, `r${++this.runSeq}`);
      this.history.push({ question, answer: result.answer });
      return { ...result, receipt: trajectory.receipt() };
    } finally {
      scope.close();
      unsubscribe?.();
      this.busy = false;
    }
  }

  private async answer(question: string, scope: RunScope, id: string): Promise<RunResult> {
    const models = this.options.models;
    this.run = new RlmRun(id, scope, this.shape.depth, question, models, this.repl, (parent, prompt, context) => this.child(parent, prompt, context), this.shape.parentRunId);
    try {
      const rootModel = this.run.rootModel;
      const subCallChars = promptCharsFor(models.sub);
      const systemPrompt = buildSystemPrompt({
        contextKind: this.shape.depth > 0 ? 'child' : this.options.context.kind,
        hasWorkspace: this.options.context.kind === 'workspace',
        outputChars: this.limits.outputChars,
        subCallChars,
        canRecurse: this.run.canRecurse,
        concurrency: this.limits.concurrency,
        extraFunctions: this.options.context.kind === 'workspace' && this.options.context.workspace.syntax ? SYNTAX_FUNCTION_DOCS : undefined,
        notes: modelNotes(rootModel.name, subCallChars),
      });
      return await rlmLoop(this.run, { systemPrompt, context: this.meta, history: this.history });
    } finally {
      this.run = undefined;
    }
  }

  /** rlm_query below max depth: a child session with its own sandbox, sharing the parent's budget and events. */
  private async child(parent: RlmRun, prompt: string, context: unknown): Promise<RunResult> {
    const childContext = context === undefined ? prompt : context;
    const child = await RlmSession.open(this.options, this.limits, { depth: parent.depth + 1, parentRunId: parent.currentCellId ?? parent.id }, childContext);
    try {
      return await child.answer(prompt, parent.scope, parent.nextChildId());
    } finally {
      child.dispose();
    }
  }

  /** Variables the model created, for a UI's variable view. */
  variables(): Array<{ name: string; type: string; summary: string }> {
    return this.repl.variables();
  }

  dispose(): void {
    this.repl.dispose();
  }
}

// In a workspace session, context.question always reads the question being answered now.
const QUESTION_GETTER = `
Object.defineProperty(context, 'question', { get: () => __rlm_question(), enumerable: true, configurable: true });
`;

function describe(context: RlmContext, childContext: unknown): ContextMeta {
  if (childContext !== undefined) {
    const size = typeof childContext === 'string' ? childContext.length : JSON.stringify(childContext)?.length ?? 0;
    return { type: 'text', size };
  }
  if (context.kind === 'text') return { type: 'text', size: context.text.length };
  const s = context.workspace.summary();
  return { type: 'workspace', size: s.bytes, files: s.files, languages: s.languages };
}

export type { Workspace };
