// A question asked from outside the sidebar (VS Code's Chat view, an agent-mode tool), run as any sidebar question
// is: through ChatService, so the chat's session, the limits and caps in force, the trace and the history are the
// sidebar's. What each entry point adds is its own: how the question's progress is told, the models (the Chat
// view's picked model), the chat it continues, limits it may lower, and its cancellation token.

import * as vscode from 'vscode';
import type { AskedLimits } from '../../core/loop/lowerLimits';
import type { RunResult } from '../../core/loop/RlmRun';
import { realFileIn } from '../../core/workspace/rootPaths';
import { findPathRefs } from '../../../webview/shared/pathRefs';
import type { Exchange } from '../../protocol/messages';
import { NEW_CHAT, type ChatService } from '../chats/ChatService';
import type { FolderRef } from '../chats/ChatStore';
import type { PreparedModels } from '../models/modelSetup';
import type { RlmSettings } from '../settings';
import type { SetupService } from '../SetupService';
import { RunNarration } from '../../core/integrations/RunNarration';

export interface OutsideDeps {
  chats: ChatService;
  setup: SetupService;
}

export interface OutsideAsk {
  /** The chat to continue (a follow-up), else a chat of its own. */
  chat?: string;
  models?(settings: RlmSettings): Promise<PreparedModels>;
  limits?: AskedLimits;
  token: vscode.CancellationToken;
  /** A line per root turn and per batch of sub-calls. */
  progress?(line: string): void;
}

export interface OutsideAnswer {
  exchange: Exchange;
  /** The run's result and its folder, when it got as far as running. */
  ended?: { result: RunResult; folder: FolderRef; root: string };
  /** Workspace files the run's code read (read(), outline()), in order. */
  readPaths: string[];
  /** Workspace path -> absolute, for the read paths and the answer's path references that name a file of the folder. */
  files: Map<string, string>;
}

/** Runs the question; undefined when RLM could not take it (another question runs, or it is shutting down). */
export async function askOutside(deps: OutsideDeps, question: string, ask: OutsideAsk): Promise<OutsideAnswer | undefined> {
  if (deps.chats.busy) return undefined;
  const controller = new AbortController();
  const cancelled = ask.token.onCancellationRequested(() => controller.abort());
  if (ask.token.isCancellationRequested) controller.abort();
  const narration = new RunNarration((line) => ask.progress?.(line));
  let ended: OutsideAnswer['ended'];
  try {
    const exchange = await deps.chats.ask(question, {
      chat: ask.chat ?? NEW_CHAT,
      ...(ask.models ? { models: ask.models } : {}),
      ...(ask.limits ? { limits: ask.limits } : {}),
      signal: controller.signal,
      onEvent: narration.onEvent,
      onResult: (result, folder) => {
        ended = { result, folder, root: vscode.Uri.parse(folder.uri).fsPath };
      },
    });
    if (!exchange) return undefined;
    const readPaths = narration.readPaths();
    const files = ended ? await filesIn(ended.root, [...readPaths, ...findPathRefs(exchange.answer ?? '').map((r) => r.path)]) : new Map<string, string>();
    return { exchange, readPaths, files, ...(ended ? { ended } : {}) };
  } finally {
    cancelled.dispose();
  }
}

/** The sensitive patterns in force for the folder (rlm.sensitivePaths, added to the built-in list). */
export function sensitivePatterns(deps: OutsideDeps, folder: FolderRef): { patterns: readonly string[]; source: string } {
  return { patterns: deps.setup.settings(vscode.Uri.parse(folder.uri)).sensitivePaths, source: 'rlm.sensitivePaths' };
}

/** Which of `paths` name a file inside `root` (by real path, so a symlink cannot lead outside): path -> absolute. */
async function filesIn(root: string, paths: readonly string[]): Promise<Map<string, string>> {
  const found = await Promise.all([...new Set(paths)].map(async (path) => [path, await realFileIn(path, [root])] as const));
  return new Map(found.filter((f): f is readonly [string, string] => f[1] !== undefined));
}
