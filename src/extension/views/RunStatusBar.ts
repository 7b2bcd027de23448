// A status-bar item while a question runs: a spinner and the cost so far. Clicking it shows the chat.

import * as vscode from 'vscode';
import type { RunUpdate } from '../chats/ChatService';
import { RUNNING_CONTEXT_KEY, VIEWS } from '../commandIds';
import { statusText, statusTooltip } from './statusText';

export class RunStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('rlm.run', vscode.StatusBarAlignment.Left, 10);

  constructor() {
    this.item.name = vscode.l10n.t('RLM: running question');
    this.item.command = `${VIEWS.chat}.focus`;
  }

  onRun(update: RunUpdate): void {
    if (update.kind === 'end') {
      this.item.hide();
      void vscode.commands.executeCommand('setContext', RUNNING_CONTEXT_KEY, false);
      return;
    }
    this.item.text = statusText(update.run);
    this.item.tooltip = statusTooltip(update.run);
    if (update.kind === 'start') {
      this.item.show();
      void vscode.commands.executeCommand('setContext', RUNNING_CONTEXT_KEY, true);
    }
  }

  dispose(): void {
    this.item.dispose();
  }
}
