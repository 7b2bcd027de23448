// The VS Code extension's entry point: registers the RLM views and commands. The engine (src/core) does the
// work; this layer adapts it to the editor and never blocks the extension host.

import * as vscode from 'vscode';
import { CHAT_TO_HOST_TYPES, isMessage, TREE_TO_HOST_TYPES, type ChatToHost, type HostToChat, type HostToTree, type MessageOf, type TreeToHost } from '../protocol/messages';
import { webviewHtml, webviewOptions, type WebviewPage } from './webviewHtml';

export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.window.registerWebviewViewProvider('rlm.chat', pageProvider(context.extensionUri, 'chat', (view, message) => {
      if (!isMessage<ChatToHost>(message, CHAT_TO_HOST_TYPES)) return;
      if (message.type === 'ready') {
        post<HostToChat>(view, {
          type: 'chat/state',
          chat: { id: 'c1', title: 'New chat', updatedAt: Date.now(), exchanges: [] },
          history: [],
          setup: { ready: false, provider: 'openai', maxCostUsd: 2, problem: { message: 'The RLM extension is being built.', actions: [] } },
          busy: false,
        });
      }
    })),
    vscode.window.registerWebviewViewProvider('rlm.trajectory', pageProvider(context.extensionUri, 'trajectory', (view, message) => {
      if (!isMessage<TreeToHost>(message, TREE_TO_HOST_TYPES)) return;
      if (message.type === 'ready') post<HostToTree>(view, { type: 'tree/reset', title: 'No run yet', events: [], live: false });
    })),
  );
}

export function deactivate(): void {
  // Everything registered is in context.subscriptions.
}

function pageProvider(extensionUri: vscode.Uri, page: WebviewPage, onMessage: (view: vscode.WebviewView, message: unknown) => void): vscode.WebviewViewProvider {
  return {
    resolveWebviewView(view) {
      view.webview.options = webviewOptions(extensionUri);
      view.webview.html = webviewHtml(view.webview, extensionUri, page);
      view.webview.onDidReceiveMessage((message: unknown) => onMessage(view, message));
    },
  };
}

function post<M>(view: vscode.WebviewView, message: MessageOf<M>): void {
  void view.webview.postMessage(message);
}
