// The VS Code extension's entry point: wires the engine (src/core) to the editor. The Chat and Trajectory views,
// the trace editor, the commands, the status bar and the log; ChatService runs the questions, SetupService knows
// the models, WorkspaceRoots the folders. Nothing here blocks the extension host: indexing yields, parsing and
// sandboxes run in workers, traces are read in slices.

import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { describeIndexing } from '../core/workspace/CodeWorkspace';
import type { ChatToHost, MessageOf, TreeToHost } from '../protocol/messages';
import { ChatService } from './chats/ChatService';
import { eventsForChat } from './chats/answers';
import { ChatStore, type FolderRef } from './chats/ChatStore';
import { SubCallCaches } from './chats/SubCallCaches';
import { registerCommands } from './commands';
import { VIEWS } from './commandIds';
import { openLink } from './links';
import { RedactingLog, type Log } from './log';
import { prepareModels } from './models/modelSetup';
import { ACTIONS, SetupProblem } from './problems';
import { SetupService } from './SetupService';
import { runPageCommand } from './webviewMessages';
import { TREE_CHUNK_EVENTS } from './treeMessages';
import { ReviewService } from './review/ReviewService';
import { VsCodeReviewEditor } from './review/VsCodeReviewEditor';
import { AttachmentPicker } from './views/AttachmentPicker';
import { ChatView } from './views/ChatView';
import { IndexingStatusBar } from './views/IndexingStatusBar';
import { RunStatusBar } from './views/RunStatusBar';
import { TraceEditor } from './views/TraceEditor';
import { openUntitled } from './views/untitled';
import { TrajectoryView } from './views/TrajectoryView';
import { WorkspaceRoots } from './workspace/WorkspaceRoots';
import { registerParticipant } from './integrations/RlmParticipant';
import { registerTools } from './integrations/RlmTools';
import { registerMcpDefinitions } from './integrations/mcpDefinitions';
import { registerRunCommands } from './runCommands';

/** On shutdown, the symbol caches and the sub-call caches get this long to be saved. */
const CLOSE_GRACE_MS = 1500;
/** While nothing answers and the chat is on screen, the set-up is looked at again this often. */
const SETUP_RECHECK_MS = 4000;

let shutdown: (() => Promise<void>) | undefined;

export function activate(context: vscode.ExtensionContext): void {
  // Every key read in this window: sessions redact them from events, the log from every line.
  const secrets: string[] = [];
  const channel = vscode.window.createOutputChannel('RLM', { log: true });
  const log: Log = new RedactingLog(channel, () => secrets);
  const tracesDir = join((context.storageUri ?? context.globalStorageUri).fsPath, 'traces');

  const chatView = new ChatView(context.extensionUri, log, (message) => onChatMessage(message), () => chats?.stopIfIndexing());
  const setup = new SetupService(context.secrets, context.globalState, secrets, log, (status) => chatView.post({ type: 'chat/setup', setup: status }));
  const ripgrep = editorRipgrep();
  let chats: ChatService | undefined;
  const roots: WorkspaceRoots = new WorkspaceRoots(log, (workspace) => chats?.workspaceReplaced(workspace), ripgrep, () => indexingBar.follow());
  const indexingBar = new IndexingStatusBar(() => roots.indexing());
  let reviews: ReviewService | undefined;
  const reviewEditor = new VsCodeReviewEditor(log, {
    merged: (exchangeId, path, text) => reviews?.resolved(exchangeId, path, text),
    filesChanged: (folderUri, paths) => reviews?.filesChanged(folderUri, paths),
    settings: (folder) => setup.settingsInForce(folder),
  });
  reviews = new ReviewService({ dir: tracesDir, editor: reviewEditor, post: (message) => chatView.post(message), log });
  const review = reviews;
  const subCallCaches = new SubCallCaches(context.globalStorageUri.fsPath);
  const store = new ChatStore(context.workspaceState);
  chats = new ChatService({
    store,
    tracesDir,
    settings: (folder) => setup.settings(vscode.Uri.parse(folder.uri)),
    prepareModels: (settings) => prepareModels(settings, setup.sources(), setup.windowFacts()),
    workspace: (folder, settings) => roots.open(folder, settings.excludes),
    stopIndexing: (folder) => roots.stopIndexing(folder.uri),
    indexing: (folder) => {
      const running = roots.indexing().find((f) => f.uri === folder.uri);
      return running && describeIndexing(running.progress);
    },
    pickFolder,
    secrets,
    log,
    post: (message) => chatView.post(message),
    notify: (message) => void vscode.window.showInformationMessage(`RLM: ${message}`),
    setup: () => setup.status,
    reviews: review,
    subCallCache: (folder) => subCallCaches.for(folder),
    problems: (folder) => AttachmentPicker.problems(folder),
    changes: (folder) => AttachmentPicker.changes(folder),
  });
  const service = chats;
  const attachments = new AttachmentPicker(service, (message) => chatView.post(message), log);
  const onTreeMessage = (message: Exclude<MessageOf<TreeToHost>, { type: 'ready' }>) => {
    if (message.type === 'text/open') void openUntitled(message.text, message.language);
    else onShared(message);
  };
  const trajectoryView = new TrajectoryView(context.extensionUri, log, onTreeMessage);
  const traceEditor = new TraceEditor(context.extensionUri, log, onTreeMessage);
  const statusBar = new RunStatusBar();
  service.onRun((update) => {
    statusBar.onRun(update);
    trajectoryView.onRun(update);
  });

  function onChatMessage(message: MessageOf<ChatToHost>): void {
    switch (message.type) {
      case 'ready': {
        service.postState();
        // A page that (re)loads mid-run gets the running question's events so far.
        const live = service.liveRun;
        for (let at = 0; live && at < live.events.length; at += TREE_CHUNK_EVENTS) {
          chatView.post({ type: 'run/events', chatId: live.chatId, exchangeId: live.exchangeId, events: eventsForChat(live.events.slice(at, at + TREE_CHUNK_EVENTS)) });
        }
        void setup.refresh();
        return;
      }
      case 'chat/ask':
        void service.ask(message.question, message.attachments?.length ? { attachments: message.attachments, folder: attachments.folder() } : {});
        return;
      case 'attach/pick':
        void attachments.pick(message.source);
        return;
      case 'attach/add':
        void attachments.add(message.refs);
        return;
      case 'attach/drop':
        void attachments.drop(message.uris);
        return;
      case 'attach/complete':
        void attachments.complete(message.query);
        return;
      case 'chat/stop':
        service.stop();
        return;
      case 'chat/new':
        service.newChat();
        return;
      case 'chat/open':
        service.openChat(message.chatId);
        return;
      case 'answer/open':
        void service.wholeAnswer(message.exchangeId).then((answer) => openUntitled(answer, 'markdown'), (err: Error) => {
          log.warn(`The whole answer of ${message.exchangeId} could not be opened: ${err.message}`);
          void vscode.window.showErrorMessage(`RLM: cannot open the whole answer. ${err.message}`);
        });
        return;
      case 'review/open':
      case 'review/accept':
      case 'review/reject':
      case 'review/resolve':
      case 'review/validate':
      case 'review/stopValidation':
        review.handle(message);
        return;
      case 'chat/showRun':
        void showRun(message.exchangeId);
        return;
      default:
        onShared(message);
    }
  }

  async function showRun(exchangeId: string): Promise<void> {
    const reset = await service.runTree(exchangeId);
    trajectoryView.show(exchangeId, reset, service.liveRun);
    await trajectoryView.reveal();
  }

  function onShared(message: Extract<MessageOf<ChatToHost>, { type: 'link/open' | 'command/run' | 'clipboard/copy' }>): void {
    switch (message.type) {
      case 'link/open':
        void openLink(message, linkRoots(service.currentFolder), log);
        return;
      case 'command/run':
        // Checked against the allow-list (webviewMessages.ts) before it got here; a state change waits for the user's yes.
        void runPageCommand(message.command, message.args ?? [], {
          context: () => ({ localServer: setup.lastLocalServer }),
          confirm: async ({ message: text, detail, button }) => (await vscode.window.showInformationMessage(text, { modal: true, detail }, button)) === button,
          execute: (command, args) => Promise.resolve(vscode.commands.executeCommand(command, ...args)),
        }).catch((err: unknown) => log.error(`${message.command} from the page failed: ${(err as Error).message}`));
        return;
      case 'clipboard/copy':
        void vscode.env.clipboard.writeText(message.text);
        return;
    }
  }

  context.subscriptions.push(
    channel,
    setup,
    roots,
    statusBar,
    indexingBar,
    reviewEditor,
    { dispose: () => review.dispose() },
    { dispose: () => service.dispose() },
    vscode.window.registerWebviewViewProvider(VIEWS.chat, chatView, { webviewOptions: { retainContextWhenHidden: true } }),
    vscode.window.registerWebviewViewProvider(VIEWS.trajectory, trajectoryView, { webviewOptions: { retainContextWhenHidden: true } }),
    vscode.window.registerCustomEditorProvider(VIEWS.traceEditor, traceEditor, { supportsMultipleEditorsPerDocument: true, webviewOptions: { retainContextWhenHidden: true } }),
    vscode.window.registerCustomEditorProvider(VIEWS.traceEditorAnyJsonl, traceEditor, { supportsMultipleEditorsPerDocument: true, webviewOptions: { retainContextWhenHidden: true } }),
    vscode.workspace.onDidChangeWorkspaceFolders((e) => {
      for (const folder of e.removed) service.folderRemoved(folder.uri.toString());
    }),
    ...registerCommands({
      chats: service, setup, chatView, log: channel, redactedLog: log, tracesDir, store, secrets, trajectory: trajectoryView,
      // A question over a folder being indexed stops with it (the chat says so); the other folders just stop.
      stopIndexing: () => {
        service.stopIfIndexing();
        for (const folder of roots.indexing()) roots.stopIndexing(folder.uri);
        indexingBar.refresh();
      },
    }),
    // Where users already work: @rlm in VS Code's Chat view, and the buttons under its answers.
    registerParticipant({ chats: service, setup, log, extensionUri: context.extensionUri }),
    // And tools for agent mode (#rlm), which another agent calls.
    ...registerTools({ chats: service, setup, log }),
    // And RLM's MCP server, offered to VS Code's own MCP support.
    ...registerMcpDefinitions({ setup, log, extensionUri: context.extensionUri, version: String(context.extension.packageJSON.version) }),
    ...registerRunCommands({ chats: service, reviews: review, chatView, showRun, log }),
  );
  shutdown = async () => {
    service.dispose();
    await Promise.race([Promise.all([roots.closeAll(), subCallCaches.close()]), new Promise((resolve) => setTimeout(resolve, CLOSE_GRACE_MS))]);
  };
  // Models that appear later (an editor model provider signing in, a local server started) must end the welcome by
  // themselves, but vscode.lm.onDidChangeChatModels never fires in VS Code 1.117 (microsoft/vscode#318187 bridges it
  // later): while the welcome shows, look again every few seconds.
  const recheck = setInterval(() => {
    if (chatView.visible && !setup.status.ready) void setup.refresh();
  }, SETUP_RECHECK_MS);
  context.subscriptions.push({ dispose: () => clearInterval(recheck) });
  log.info(`RLM ${context.extension.packageJSON.version as string} activated; traces in ${tracesDir}`);
  void setup.refresh();
}

export async function deactivate(): Promise<void> {
  await shutdown?.();
  shutdown = undefined;
}

/** The folder a new chat asks about: the only one, the active editor's, or the one the user picks. */
async function pickFolder(): Promise<FolderRef | undefined> {
  // Only folders on this machine can be read (a virtual workspace's are not: the set-up status says so first).
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
  if (folders.length === 0) throw new SetupProblem({ message: 'Open a folder to ask about its code.', actions: [ACTIONS.openFolder()] });
  if (folders.length === 1) return WorkspaceRoots.refOf(folders[0]!);
  const active = vscode.window.activeTextEditor?.document.uri;
  const folder = active && vscode.workspace.getWorkspaceFolder(active);
  if (folder && folder.uri.scheme === 'file') return WorkspaceRoots.refOf(folder);
  const picked = await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Which folder is the question about?', ignoreFocusOut: true });
  if (picked && picked.uri.scheme !== 'file') throw new SetupProblem({ message: `${picked.name} is not on this machine: questions need a folder whose files can be read here.`, actions: [] });
  return picked && WorkspaceRoots.refOf(picked);
}

/** Where a link's path is looked for: the chat's folder first, then every folder of the window. */
function linkRoots(first: FolderRef | undefined): string[] {
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
  const preferred = folders.find((f) => f.uri.toString() === first?.uri);
  return [...(preferred ? [preferred] : []), ...folders.filter((f) => f !== preferred)].map((f) => f.uri.fsPath);
}

/** The ripgrep VS Code ships, so grep() is fast where none is on the PATH. */
async function editorRipgrep(): Promise<string | undefined> {
  const exe = process.platform === 'win32' ? 'rg.exe' : 'rg';
  for (const dir of ['node_modules/@vscode/ripgrep/bin', 'node_modules.asar.unpacked/@vscode/ripgrep/bin']) {
    const candidate = join(vscode.env.appRoot, dir, exe);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this layout.
    }
  }
  return undefined;
}
