// The extension while it is active: it makes the services once, in the order they need each other, wires the
// editor to them (views, commands, the status bar, the log, @rlm, tools, MCP) and owns their disposal. ChatService
// runs the questions, SetupService knows the models, WorkspaceRoots the folders, ReviewService the proposed edits.
// Nothing here blocks the extension host: indexing yields, parsing and sandboxes run in workers, traces are read
// in slices. Services that call each other back do so through `this`, only once all of them exist.

import { join } from 'node:path';
import * as l10n from '@vscode/l10n';
import * as vscode from 'vscode';
import { describeIndexing } from '../core/workspace/CodeWorkspace';
import { isReviewMessage, type ChatToHost, type MessageOf, type TreeToHost } from '../protocol/messages';
import { eventsForChat } from './chats/answers';
import { ChatService } from './chats/ChatService';
import { ChatStore } from './chats/ChatStore';
import { SubCallCaches } from './chats/SubCallCaches';
import { VIEWS } from './commandIds';
import { registerCommands } from './commands';
import { registerMcpDefinitions } from './integrations/mcpDefinitions';
import { registerParticipant } from './integrations/RlmParticipant';
import { registerTools } from './integrations/RlmTools';
import { openLink } from './links';
import { RedactingLog, type Log } from './log';
import { prepareModels } from './models/modelSetup';
import { ReviewService } from './review/ReviewService';
import { VsCodeReviewEditor } from './review/VsCodeReviewEditor';
import { registerRunCommands } from './runCommands';
import { SetupService } from './SetupService';
import { TREE_CHUNK_EVENTS } from './treeMessages';
import { AttachmentPicker } from './views/AttachmentPicker';
import { ChatView } from './views/ChatView';
import { IndexingStatusBar } from './views/IndexingStatusBar';
import { RunStatusBar } from './views/RunStatusBar';
import { TraceEditor } from './views/TraceEditor';
import { TrajectoryView } from './views/TrajectoryView';
import { WalkthroughProgress } from './views/WalkthroughProgress';
import { openUntitled } from './views/untitled';
import { runPageCommand } from './webviewMessages';
import { editorRipgrep } from './workspace/editorRipgrep';
import { linkRoots, pickFolder } from './workspace/windowFolders';
import { WorkspaceRoots } from './workspace/WorkspaceRoots';

/** On shutdown, the symbol caches and the sub-call caches get this long to be saved. */
const CLOSE_GRACE_MS = 1500;
/** While nothing answers and the chat is on screen, the set-up is looked at again this often. */
const SETUP_RECHECK_MS = 4000;
const WEBVIEW_OPTIONS = { webviewOptions: { retainContextWhenHidden: true } };

type SharedMessage = Extract<MessageOf<ChatToHost>, { type: 'link/open' | 'command/run' | 'clipboard/copy' }>;

export class RlmExtension implements vscode.Disposable {
  /** Every key read in this window: sessions redact them from events, the log from every line. */
  private readonly secrets: string[] = [];
  private readonly channel = vscode.window.createOutputChannel('RLM', { log: true });
  private readonly log: Log = new RedactingLog(this.channel, () => this.secrets);
  private readonly tracesDir: string;
  private readonly chatView: ChatView;
  private readonly setup: SetupService;
  private readonly roots: WorkspaceRoots;
  private readonly indexingBar: IndexingStatusBar;
  private readonly reviewEditor: VsCodeReviewEditor;
  private readonly reviews: ReviewService;
  private readonly subCallCaches: SubCallCaches;
  private readonly store: ChatStore;
  private readonly chats: ChatService;
  private readonly attachments: AttachmentPicker;
  private readonly trajectoryView: TrajectoryView;
  private readonly traceEditor: TraceEditor;
  private readonly runStatusBar = new RunStatusBar();
  private readonly walkthrough = new WalkthroughProgress();
  /** Everything to dispose of, in the order it was made (disposed of in reverse). */
  private readonly owned: vscode.Disposable[] = [this.channel, this.runStatusBar];

  constructor(private readonly context: vscode.ExtensionContext) {
    const { log, secrets } = this;
    // The modules without `vscode` (status texts, set-up problems, @rlm's reply) translate through @vscode/l10n: give it
    // the bundle VS Code chose for this window's language, before any of them words anything (English has none).
    if (vscode.l10n.bundle) l10n.config({ contents: vscode.l10n.bundle });
    this.tracesDir = join((context.storageUri ?? context.globalStorageUri).fsPath, 'traces');
    this.chatView = new ChatView(context.extensionUri, log, (message) => this.onChatMessage(message), () => this.chats.stopIfIndexing());
    this.setup = this.own(new SetupService(context.secrets, context.globalState, secrets, log));
    this.own(this.setup.onDidChange((setup) => {
      this.chatView.post({ type: 'chat/setup', setup });
      this.walkthrough.onSetup(setup);
    }));
    this.roots = this.own(new WorkspaceRoots(log, (workspace) => this.chats.workspaceReplaced(workspace), editorRipgrep(), () => this.indexingBar.follow()));
    this.indexingBar = this.own(new IndexingStatusBar(() => this.roots.indexing()));
    this.reviewEditor = this.own(new VsCodeReviewEditor(log, {
      merged: (exchangeId, path, text) => this.reviews.resolved(exchangeId, path, text),
      filesChanged: (folderUri, paths) => this.reviews.filesChanged(folderUri, paths),
      settings: (folder) => this.setup.settingsInForce(folder),
    }));
    this.reviews = this.own(new ReviewService({ dir: this.tracesDir, editor: this.reviewEditor, post: (message) => this.chatView.post(message), log }));
    this.subCallCaches = new SubCallCaches(context.globalStorageUri.fsPath);
    this.store = new ChatStore(context.workspaceState);
    this.chats = this.own(this.chatService());
    this.attachments = new AttachmentPicker(this.chats, (message) => this.chatView.post(message), log);
    this.trajectoryView = new TrajectoryView(context.extensionUri, log, (message) => this.onTreeMessage(message));
    this.traceEditor = new TraceEditor(context.extensionUri, log, (message) => this.onTreeMessage(message));
    this.chats.onRun((update) => {
      this.runStatusBar.onRun(update);
      this.walkthrough.onRun(update);
      this.trajectoryView.onRun(update);
    });
    this.register();
    this.recheckSetup();
    log.info(`RLM ${this.version} activated; traces in ${this.tracesDir}`);
    void this.setup.refresh();
  }

  /** Stops a running question and gives the caches CLOSE_GRACE_MS to be saved (deactivate: before dispose). */
  async close(): Promise<void> {
    this.chats.dispose();
    await Promise.race([Promise.all([this.roots.closeAll(), this.subCallCaches.close()]), new Promise((resolve) => setTimeout(resolve, CLOSE_GRACE_MS))]);
  }

  dispose(): void {
    for (const disposable of this.owned.splice(0).reverse()) disposable.dispose();
  }

  private get version(): string {
    return String(this.context.extension.packageJSON.version);
  }

  private own<T extends vscode.Disposable>(disposable: T): T {
    this.owned.push(disposable);
    return disposable;
  }

  private chatService(): ChatService {
    const { setup, roots } = this;
    return new ChatService({
      store: this.store,
      tracesDir: this.tracesDir,
      settings: (folder) => setup.settings(vscode.Uri.parse(folder.uri)),
      prepareModels: (settings) => prepareModels(settings, setup.sources(), setup.windowFacts()),
      workspace: (folder, settings) => roots.open(folder, settings),
      stopIndexing: (folder) => roots.stopIndexing(folder.uri),
      indexing: (folder) => {
        const running = roots.indexing().find((f) => f.uri === folder.uri);
        return running && describeIndexing(running.progress);
      },
      pickFolder,
      secrets: this.secrets,
      log: this.log,
      post: (message) => this.chatView.post(message),
      notify: (message) => void vscode.window.showInformationMessage(vscode.l10n.t('RLM: {0}', message)),
      setup: () => setup.status,
      reviews: this.reviews,
      subCallCache: (folder) => this.subCallCaches.for(folder),
      problems: (folder) => AttachmentPicker.problems(folder),
      changes: (folder) => AttachmentPicker.changes(folder),
    });
  }

  /** The views, the editors, the commands and where users already work (@rlm, agent-mode tools, MCP). */
  private register(): void {
    const { context, chats, setup, log, chatView, roots } = this;
    this.owned.push(
      vscode.window.registerWebviewViewProvider(VIEWS.chat, chatView, WEBVIEW_OPTIONS),
      vscode.window.registerWebviewViewProvider(VIEWS.trajectory, this.trajectoryView, WEBVIEW_OPTIONS),
      vscode.window.registerCustomEditorProvider(VIEWS.traceEditor, this.traceEditor, { supportsMultipleEditorsPerDocument: true, ...WEBVIEW_OPTIONS }),
      vscode.window.registerCustomEditorProvider(VIEWS.traceEditorAnyJsonl, this.traceEditor, { supportsMultipleEditorsPerDocument: true, ...WEBVIEW_OPTIONS }),
      vscode.workspace.onDidChangeWorkspaceFolders((e) => {
        for (const folder of e.removed) chats.folderRemoved(folder.uri.toString());
      }),
      ...registerCommands({
        chats, setup, chatView, log: this.channel, redactedLog: log, tracesDir: this.tracesDir, store: this.store, secrets: this.secrets, trajectory: this.trajectoryView,
        forgetSubCalls: () => this.subCallCaches.clear((vscode.workspace.workspaceFolders ?? []).map(WorkspaceRoots.refOf)),
        // A question over a folder being indexed stops with it (the chat says so); the other folders just stop.
        stopIndexing: () => {
          chats.stopIfIndexing();
          for (const folder of roots.indexing()) roots.stopIndexing(folder.uri);
          this.indexingBar.refresh();
        },
      }),
      // @rlm in VS Code's Chat view, and the buttons under its answers.
      registerParticipant({ chats, setup, log, extensionUri: context.extensionUri }),
      // Tools for agent mode (#rlm), which another agent calls.
      ...registerTools({ chats, setup, log }),
      // RLM's MCP server, offered to VS Code's own MCP support.
      ...registerMcpDefinitions({ setup, log, extensionUri: context.extensionUri, version: this.version }),
      ...registerRunCommands({ chats, reviews: this.reviews, chatView, showRun: (exchangeId) => this.showRun(exchangeId), log }),
    );
  }

  /**
   * Models that appear later (an editor model provider signing in, a local server started) must end the welcome by
   * themselves, but vscode.lm.onDidChangeChatModels never fires in VS Code 1.117 (microsoft/vscode#318187 bridges it
   * later): while the welcome shows, look again every few seconds.
   */
  private recheckSetup(): void {
    const recheck = setInterval(() => {
      if (this.chatView.visible && !this.setup.status.ready) void this.setup.refresh();
    }, SETUP_RECHECK_MS);
    this.owned.push({ dispose: () => clearInterval(recheck) });
  }

  /** A message from the Chat view, already checked (webviewMessages.ts). */
  private onChatMessage(message: MessageOf<ChatToHost>): void {
    if (isReviewMessage(message)) {
      // Opening or accepting a proposed change is the walkthrough's last step.
      if (message.type === 'review/open' || message.type === 'review/accept') this.walkthrough.onReview();
      return this.reviews.handle(message);
    }
    const { chats } = this;
    switch (message.type) {
      case 'ready': {
        chats.postState();
        // A page that (re)loads mid-run gets the running question's events so far.
        const live = chats.liveRun;
        for (let at = 0; live && at < live.events.length; at += TREE_CHUNK_EVENTS) {
          this.chatView.post({ type: 'run/events', chatId: live.chatId, exchangeId: live.exchangeId, events: eventsForChat(live.events.slice(at, at + TREE_CHUNK_EVENTS)) });
        }
        void this.setup.refresh();
        return;
      }
      case 'chat/ask':
        void chats.ask(message.question, message.attachments?.length ? { attachments: message.attachments, folder: this.attachments.folder() } : {});
        return;
      case 'attach/pick':
        void this.attachments.pick(message.source);
        return;
      case 'attach/add':
        void this.attachments.add(message.refs);
        return;
      case 'attach/drop':
        void this.attachments.drop(message.uris);
        return;
      case 'attach/complete':
        void this.attachments.complete(message.query);
        return;
      case 'chat/stop':
        chats.stop();
        return;
      case 'chat/new':
        chats.newChat();
        return;
      case 'chat/open':
        chats.openChat(message.chatId);
        return;
      case 'answer/open':
        void chats.wholeAnswer(message.exchangeId).then((answer) => openUntitled(answer, 'markdown'), (err: Error) => {
          this.log.warn(`The whole answer of ${message.exchangeId} could not be opened: ${err.message}`);
          void vscode.window.showErrorMessage(vscode.l10n.t('RLM: cannot open the whole answer. {0}', err.message));
        });
        return;
      case 'chat/showRun':
        void this.showRun(message.exchangeId);
        return;
      default:
        this.onShared(message);
    }
  }

  /** A message from the Trajectory view or the trace editor, already checked. */
  private onTreeMessage(message: Exclude<MessageOf<TreeToHost>, { type: 'ready' }>): void {
    if (message.type === 'text/open') void openUntitled(message.text, message.language);
    else this.onShared(message);
  }

  private onShared(message: SharedMessage): void {
    switch (message.type) {
      case 'link/open':
        void openLink(message, linkRoots(this.chats.currentFolder), this.log);
        return;
      case 'command/run':
        // Checked against the allow-list (webviewMessages.ts) before it got here; a state change waits for the user's yes.
        void runPageCommand(message.command, message.args ?? [], {
          context: () => ({ localServer: this.setup.lastLocalServer }),
          confirm: async ({ message: text, detail, button }) => (await vscode.window.showInformationMessage(text, { modal: true, detail }, button)) === button,
          execute: (command, args) => Promise.resolve(vscode.commands.executeCommand(command, ...args)),
        }).catch((err: unknown) => this.log.error(`${message.command} from the page failed: ${(err as Error).message}`));
        return;
      case 'clipboard/copy':
        void vscode.env.clipboard.writeText(message.text);
        return;
    }
  }

  private async showRun(exchangeId: string): Promise<void> {
    const reset = await this.chats.runTree(exchangeId);
    this.trajectoryView.show(exchangeId, reset, this.chats.liveRun);
    await this.trajectoryView.reveal();
  }
}
