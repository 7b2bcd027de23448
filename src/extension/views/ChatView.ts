// The Chat view: serves the chat page, checks every message it sends (webviewMessages.ts) and hands the good
// ones on. It only carries messages; ChatService and the commands decide.

import * as vscode from 'vscode';
import type { ChatToHost, HostToChat, MessageOf } from '../../protocol/messages';
import { VIEWS } from '../commandIds';
import type { Log } from '../log';
import { checkChatMessage } from '../webviewMessages';
import { showPage } from '../webviewHtml';

export class ChatView implements vscode.WebviewViewProvider {
  private view: vscode.WebviewView | undefined;
  /** The page said `ready`: it has drawn its question box and hears messages. */
  private pageReady = false;
  /** The question box should take the keyboard once the page is ready (the view was shown before its page loaded). */
  private focusWhenReady = false;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: Log,
    private readonly onMessage: (message: MessageOf<ChatToHost>) => void,
    /** The view was closed (its page is gone). */
    private readonly onClosed: () => void = () => undefined,
  ) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.pageReady = false;
    showPage(view.webview, this.extensionUri, 'chat', checkChatMessage, this.log, 'The Chat view', (message) => {
      if (message.type === 'ready' && this.view === view) {
        this.pageReady = true;
        if (this.focusWhenReady) this.post({ type: 'composer/focus' });
        this.focusWhenReady = false;
      }
      this.onMessage(message);
    });
    view.onDidDispose(() => {
      if (this.view !== view) return;
      this.view = undefined;
      this.pageReady = false;
      this.onClosed();
    });
  }

  get visible(): boolean {
    return this.view?.visible ?? false;
  }

  post(message: MessageOf<HostToChat>): void {
    void this.view?.webview.postMessage(message);
  }

  /** Shows the Chat view (opening the RLM container if needed). */
  async reveal(): Promise<void> {
    if (this.view) this.view.show(false);
    else await vscode.commands.executeCommand(`${VIEWS.chat}.focus`);
  }

  /** Shows the Chat view with the keyboard in its question box, now or as soon as its page has loaded. */
  async focusQuestion(): Promise<void> {
    await this.reveal();
    if (this.view && this.pageReady) this.post({ type: 'composer/focus' });
    else this.focusWhenReady = true;
  }
}
