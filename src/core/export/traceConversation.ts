// The conversation a root model had, rebuilt from a trace. A trace records what the model wrote (each turn's
// text, its cells' code) and what it was shown (each cell's output and error, as shown); the system prompt and
// the engine's own words around them are rebuilt with the engine's builders (systemPrompt.ts, messages.ts)
// for the run's settings, so the example reads as the engine would prompt today.

import { buildSystemPrompt } from '../loop/systemPrompt';
import { executionFeedback, firstMessage, keepGoing, lastChance, NO_CODE_NUDGE, replyCut } from '../loop/messages';
import { modelNotes } from '../loop/modelNotes';
import { DEFAULT_LIMITS } from '../loop/options';
import { promptCharsFor } from '../loop/SubCalls';
import { SYNTAX_FUNCTION_DOCS } from '../loop/workspaceFunctions';
import type { ChatMessage, ChatModel } from '../models/types';
import { defaultPriceTable } from '../models/pricing';
import type { CellEndEvent, RlmEvent, RunEndEvent, RunStartEvent, SubCallEndEvent, SubCallStartEvent, TurnEndEvent, TurnStartEvent } from '../trajectory/events';

export interface RunConversation {
  run: RunStartEvent;
  end?: RunEndEvent;
  /** System, first user message, then assistant turns and the feedback between them; ends on the model's last turn. */
  messages: ChatMessage[];
}

export interface SubCallExchange {
  start: SubCallStartEvent;
  end: SubCallEndEvent;
}

interface Turn {
  start: TurnStartEvent;
  end?: TurnEndEvent;
  cells: CellEndEvent[];
}

/** Every run in the trace (the top run, then child runs), with its rebuilt conversation. */
export function runConversations(events: RlmEvent[]): RunConversation[] {
  const runs = new Map<string, { start: RunStartEvent; end?: RunEndEvent; turns: Turn[]; limit?: string }>();
  const turns = new Map<string, Turn>();
  for (const e of events) {
    switch (e.type) {
      case 'run_start': runs.set(e.id, { start: e, turns: [] }); break;
      case 'run_end': { const run = runs.get(e.id); if (run) run.end = e; break; }
      case 'limit': { const run = runs.get(e.parentId); if (run) run.limit = e.detail; break; }
      case 'turn_start': {
        const turn: Turn = { start: e, cells: [] };
        turns.set(e.id, turn);
        runs.get(e.parentId)?.turns.push(turn);
        break;
      }
      case 'turn_end': { const turn = turns.get(e.id); if (turn) turn.end = e; break; }
      case 'cell_end': turns.get(e.parentId)?.cells.push(e); break;
      default: break;
    }
  }
  return [...runs.values()].map((run) => ({ run: run.start, end: run.end, messages: conversation(run.start, run.turns, run.limit) }));
}

function conversation(run: RunStartEvent, turns: Turn[], limitDetail: string | undefined): ChatMessage[] {
  const limits = run.limits;
  const maxIterations = limits?.maxIterations ?? DEFAULT_LIMITS.maxIterations;
  const messages: ChatMessage[] = [
    { role: 'system', content: systemPromptFor(run) },
    { role: 'user', content: firstMessage(run.question, run.context) },
  ];
  const done = turns.filter((t) => t.end?.status === 'done');
  done.forEach((turn, i) => {
    messages.push({ role: 'assistant', content: turn.end!.text });
    const next = done[i + 1];
    if (!next) return;
    if (turn.end!.cut) {
      messages.push({ role: 'user', content: replyCut(turn.end!.usage) });
      return;
    }
    if (turn.cells.length === 0) {
      messages.push({ role: 'user', content: NO_CODE_NUDGE });
      return;
    }
    const cells = turn.cells.map((c) => ({ output: c.output, error: c.error, durationMs: c.durationMs }));
    const then = next.start.last ? lastChance(limitDetail ?? 'a limit was reached') : keepGoing(turn.start.iteration, maxIterations, run.question);
    messages.push({ role: 'user', content: executionFeedback(cells, DEFAULT_LIMITS.outputChars, then) });
  });
  return messages;
}

/** The root prompt the engine builds for this run's settings (its models' windows from the price table). */
function systemPromptFor(run: RunStartEvent): string {
  const subCallChars = promptCharsFor({ contextWindow: defaultPriceTable.lookup(run.subModel).contextWindow } as ChatModel);
  const workspace = run.context.type === 'workspace';
  return buildSystemPrompt({
    contextKind: run.depth > 0 ? 'child' : run.context.type,
    hasWorkspace: workspace,
    edits: run.edits === true,
    outputChars: DEFAULT_LIMITS.outputChars,
    subCallChars,
    canRecurse: run.depth + 1 < (run.limits?.maxDepth ?? DEFAULT_LIMITS.maxDepth),
    concurrency: run.limits?.concurrency ?? DEFAULT_LIMITS.concurrency,
    cellTimeoutMs: DEFAULT_LIMITS.sandbox.cellTimeoutMs,
    extraFunctions: workspace ? SYNTAX_FUNCTION_DOCS : undefined,
    notes: modelNotes(run.rootModel, subCallChars),
  });
}

/** Sub-calls that finished, with their prompt and response. */
export function subCallExchanges(events: RlmEvent[]): SubCallExchange[] {
  const starts = new Map<string, SubCallStartEvent>();
  const out: SubCallExchange[] = [];
  for (const e of events) {
    if (e.type === 'subcall_start') starts.set(e.id, e);
    else if (e.type === 'subcall_end' && e.status === 'done' && !e.error) {
      const start = starts.get(e.id);
      if (start) out.push({ start, end: e });
    }
  }
  return out;
}
