// `@rlm` in VS Code's Chat view: `/ask` (the default) answers a question about the workspace, `/refactor` proposes
// a change and hands it to the sidebar's review. A thin adapter over ChatService (askOutside): the question runs as
// any sidebar question does (the same session per chat, limits, cost caps, trace and history), with the model picked
// in the Chat view as the root. Follow-ups in the same VS Code conversation continue the same chat, so REPL
// variables persist.

import * as vscode from 'vscode';
import { proposedFiles } from '../../core/edits/proposalReport';
import { refactorQuestion } from '../../core/integrations/askInput';
import { chatOfExchange } from '../chats/ChatService';
import { CHAT_PARTICIPANT } from '../commandIds';
import type { Log } from '../log';
import { pickedModelPair } from '../models/pickedModel';
import { askOutside, sensitivePatterns, type OutsideDeps } from './outsideQuestion';
import { renderReply, type ReplySink } from './reply';

export interface ParticipantDeps extends OutsideDeps {
  log: Log;
  extensionUri: vscode.Uri;
}

/** What a participant's answer carries for its follow-ups: the chat they continue. */
interface RlmChatMetadata {
  chatId: string;
  exchangeId: string;
}

/** Said at once, so the Chat view shows the request is in hand before the folder and models are ready. */
export const firstProgress = () => vscode.l10n.t('Opening the workspace…');

/** Said when another question holds RLM (one question at a time, in the sidebar or here). */
export const busyMessage = () => vscode.l10n.t('RLM is answering another question (see the RLM chat in the side bar): stop it or wait for it to finish, then ask again.');

export function registerParticipant(deps: ParticipantDeps): vscode.Disposable {
  const participant = vscode.chat.createChatParticipant(CHAT_PARTICIPANT.id, (request, context, stream, token) => answer(deps, request, context, stream, token));
  participant.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'rlm.svg');
  return participant;
}

async function answer(deps: ParticipantDeps, request: vscode.ChatRequest, context: vscode.ChatContext, stream: vscode.ChatResponseStream, token: vscode.CancellationToken): Promise<vscode.ChatResult> {
  const prompt = request.prompt.trim();
  if (prompt === '') {
    stream.markdown(vscode.l10n.t('Ask about the whole workspace: `@{0} where are retries handled?`, or `@{1} /{2} rename formatCents to formatAmount` to propose a change you review before anything is written.', CHAT_PARTICIPANT.name, CHAT_PARTICIPANT.name, CHAT_PARTICIPANT.commands.refactor));
    return {};
  }
  if (deps.chats.busy) {
    stream.markdown(busyMessage());
    return { errorDetails: { message: busyMessage() } };
  }
  stream.progress(firstProgress());
  deps.log.info(`@${CHAT_PARTICIPANT.name}${request.command ? ` /${request.command}` : ''} asked in the Chat view, with ${request.model.id}`);
  const logCancel = token.onCancellationRequested(() => deps.log.info(`@${CHAT_PARTICIPANT.name}: the Chat view cancelled the question`));
  const refactor = request.command === CHAT_PARTICIPANT.commands.refactor;
  const previous = previousChat(context);
  const asked = await askOutside(deps, refactor ? refactorQuestion(prompt) : prompt, {
    ...(previous ? { chat: previous } : {}),
    models: (settings) => pickedModelPair(request.model, settings, deps.setup.sources()),
    token,
    progress: (line) => stream.progress(line),
  }).finally(() => logCancel.dispose());
  if (!asked) {
    stream.markdown(busyMessage());
    return { errorDetails: { message: busyMessage() } };
  }
  const { exchange, ended } = asked;
  const sensitive = ended && sensitivePatterns(deps, ended.folder);
  const proposed = ended && (await proposedFiles(ended.result, sensitive!.patterns, sensitive!.source));
  renderReply(sinkOf(stream), {
    exchange,
    readPaths: asked.readPaths,
    files: asked.files,
    ...(ended ? { run: { iterations: ended.result.iterations, subCalls: ended.result.subCalls } } : {}),
    ...(proposed ? { proposed } : {}),
  });
  const metadata: RlmChatMetadata = { chatId: chatOfExchange(exchange.id), exchangeId: exchange.id };
  return exchange.status === 'error' ? { metadata, errorDetails: { message: exchange.detail ?? vscode.l10n.t('The run failed.') } } : { metadata };
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

function sinkOf(stream: vscode.ChatResponseStream): ReplySink {
  return {
    markdown: (text) => stream.markdown(text),
    anchor: (file, ref, title) => stream.anchor(new vscode.Location(vscode.Uri.file(file), new vscode.Range(ref.line - 1, 0, (ref.endLine ?? ref.line) - 1, 0)), title),
    reference: (file) => stream.reference(vscode.Uri.file(file)),
    button: (title, command, args) => stream.button({ title, command, arguments: args }),
  };
}
