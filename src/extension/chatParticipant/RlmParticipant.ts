// `@rlm` in VS Code's Chat view: `/ask` (the default) answers a question about the workspace, `/refactor` proposes
// a change and hands it to the sidebar's review. A thin adapter over ChatService: the question runs as any sidebar
// question does (the same session per chat, limits, cost caps, trace and history), with the model picked in the Chat
// view as the root. Follow-ups in the same VS Code conversation continue the same chat, so REPL variables persist.

import { realpath, stat } from 'node:fs/promises';
import * as vscode from 'vscode';
import { proposedFiles, type ProposedFiles } from '../../core/edits/proposalReport';
import type { RunResult } from '../../core/loop/RlmRun';
import { findPathRefs } from '../../../webview/shared/pathRefs';
import { chatOfExchange, NEW_CHAT, type ChatService } from '../chats/ChatService';
import { CHAT_PARTICIPANT } from '../commandIds';
import type { Log } from '../log';
import { pickedModelPair } from '../models/pickedModel';
import type { SetupService } from '../SetupService';
import { confineToRoots, isInside } from '../webviewMessages';
import { renderReply, type ReplySink } from './reply';
import { RunNarration } from './RunNarration';

export interface ParticipantDeps {
  chats: ChatService;
  setup: SetupService;
  log: Log;
  extensionUri: vscode.Uri;
}

/** What a participant's answer carries for its follow-ups: the chat they continue. */
interface RlmChatMetadata {
  chatId: string;
  exchangeId: string;
}

/** Said at once, so the Chat view shows the request is in hand before the folder and models are ready. */
export const FIRST_PROGRESS = 'Opening the workspace…';

export function registerParticipant(deps: ParticipantDeps): vscode.Disposable {
  const participant = vscode.chat.createChatParticipant(CHAT_PARTICIPANT.id, (request, context, stream, token) => answer(deps, request, context, stream, token));
  participant.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'rlm.svg');
  return participant;
}

async function answer(deps: ParticipantDeps, request: vscode.ChatRequest, context: vscode.ChatContext, stream: vscode.ChatResponseStream, token: vscode.CancellationToken): Promise<vscode.ChatResult> {
  const prompt = request.prompt.trim();
  if (prompt === '') {
    stream.markdown(`Ask about the whole workspace: \`@${CHAT_PARTICIPANT.name} where are retries handled?\`, or \`@${CHAT_PARTICIPANT.name} /${CHAT_PARTICIPANT.commands.refactor} rename formatCents to formatAmount\` to propose a change you review before anything is written.`);
    return {};
  }
  if (deps.chats.busy) {
    const message = 'RLM is answering another question (see the RLM chat in the side bar): stop it or wait for it to finish, then ask again.';
    stream.markdown(message);
    return { errorDetails: { message } };
  }
  stream.progress(FIRST_PROGRESS);
  deps.log.info(`@${CHAT_PARTICIPANT.name}${request.command ? ` /${request.command}` : ''} asked in the Chat view, with ${request.model.id}`);
  const controller = new AbortController();
  const cancelled = token.onCancellationRequested(() => {
    deps.log.info(`@${CHAT_PARTICIPANT.name}: the Chat view cancelled the question`);
    controller.abort();
  });
  if (token.isCancellationRequested) controller.abort();
  const narration = new RunNarration((line) => stream.progress(line));
  let ended: { result: RunResult; root: string; proposed?: ProposedFiles } | undefined;
  const refactor = request.command === CHAT_PARTICIPANT.commands.refactor;
  try {
    const exchange = await deps.chats.ask(refactor ? refactorQuestion(prompt) : prompt, {
      chat: previousChat(context) ?? NEW_CHAT,
      models: (settings) => pickedModelPair(request.model, settings, deps.setup.sources()),
      signal: controller.signal,
      onEvent: narration.onEvent,
      onResult: async (result, folder) => {
        const scope = vscode.Uri.parse(folder.uri);
        ended = { result, root: scope.fsPath, proposed: await proposedFiles(result, deps.setup.settings(scope).sensitivePaths, 'rlm.sensitivePaths') };
      },
    });
    if (!exchange) {
      stream.markdown('RLM could not take the question now (it is answering another one, or shutting down). Ask again in a moment.');
      return { errorDetails: { message: 'RLM is busy.' } };
    }
    const readPaths = narration.readPaths();
    const files = ended ? await filesIn(ended.root, [...readPaths, ...findPathRefs(exchange.answer ?? '').map((r) => r.path)]) : new Map<string, string>();
    renderReply(sinkOf(stream), {
      exchange,
      readPaths,
      files,
      ...(ended ? { run: { iterations: ended.result.iterations, subCalls: ended.result.subCalls } } : {}),
      ...(ended?.proposed ? { proposed: ended.proposed } : {}),
    });
    const metadata: RlmChatMetadata = { chatId: chatOfExchange(exchange.id), exchangeId: exchange.id };
    return exchange.status === 'error' ? { metadata, errorDetails: { message: exchange.detail ?? 'The run failed.' } } : { metadata };
  } finally {
    cancelled.dispose();
  }
}

/** `/refactor`: the same question, with the model told to propose the change (the system prompt explains how). */
export function refactorQuestion(prompt: string): string {
  return `${prompt}\n\n(Make this change: propose the edits with propose_edit, propose_rename and propose_delete, and check them with pending_edits() before FINAL. Nothing is written: the user reviews every proposal.)`;
}

/** The chat an earlier @rlm answer in this conversation ran in, if any. */
function previousChat(context: vscode.ChatContext): string | undefined {
  for (let i = context.history.length - 1; i >= 0; i--) {
    const turn = context.history[i];
    if (!(turn instanceof vscode.ChatResponseTurn) || turn.participant !== CHAT_PARTICIPANT.id) continue;
    const chatId = (turn.result.metadata as Partial<RlmChatMetadata> | undefined)?.chatId;
    if (typeof chatId === 'string') return chatId;
  }
  return undefined;
}

/** Which of `paths` name a file inside `root` (by real path, so a symlink cannot lead outside): path -> absolute. */
async function filesIn(root: string, paths: readonly string[]): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const realRoot = await realpath(root).catch(() => root);
  await Promise.all([...new Set(paths)].map(async (path) => {
    for (const candidate of confineToRoots(path, [root])) {
      try {
        if (isInside(realRoot, await realpath(candidate)) && (await stat(candidate)).isFile()) files.set(path, candidate);
      } catch {
        // Not a file of the folder: it stays text.
      }
    }
  }));
  return files;
}

function sinkOf(stream: vscode.ChatResponseStream): ReplySink {
  return {
    markdown: (text) => stream.markdown(text),
    anchor: (file, ref, title) => stream.anchor(new vscode.Location(vscode.Uri.file(file), new vscode.Range(ref.line - 1, 0, (ref.endLine ?? ref.line) - 1, 0)), title),
    reference: (file) => stream.reference(vscode.Uri.file(file)),
    button: (title, command, args) => stream.button({ title, command, arguments: args }),
  };
}
