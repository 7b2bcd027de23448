// "RLM: Clear Chat History" and "RLM: Export Chat History...": from the command palette only (a page may not run
// them, see webviewMessages.ts). Clearing asks first in a modal; an export is written only where the user picked,
// in a folder of its own.

import { homedir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ChatService } from './chats/ChatService';
import type { ChatStore } from './chats/ChatStore';
import { exportChatHistory } from './chats/exportHistory';
import { COMMANDS } from './commandIds';
import type { Log } from './log';

export interface HistoryDeps {
  chats: ChatService;
  store: ChatStore;
  tracesDir: string;
  /** The keys in use (an export is cut of them). */
  secrets: readonly string[];
  /** The Trajectory view: it shows no run of a cleared chat. */
  trajectory: { forget(): void };
  redactedLog: Log;
  /** Empties the sub-call caches of the workspace's folders: their prompts hold what the chats read. */
  forgetSubCalls(): Promise<void>;
}


export function historyCommands(deps: HistoryDeps): Array<[string, () => Promise<void>]> {
  return [
    [COMMANDS.clearHistory, async () => {
      const count = deps.store.history().length;
      const clear = vscode.l10n.t('Clear History');
      if (count === 0 && !deps.chats.busy) {
        void vscode.window.showInformationMessage(vscode.l10n.t('RLM: there is no chat history to clear.'));
        return;
      }
      const choice = await vscode.window.showWarningMessage(vscode.l10n.t('Clear the RLM chat history of this workspace ({0})?', chatCount(count)), {
        modal: true,
        detail: deps.chats.busy
          ? vscode.l10n.t('The chats, their traces, their proposed edits and the sub-call answers kept for reuse are deleted, and the chat on show starts afresh. The question running now is stopped. This cannot be undone: "RLM: Export Chat History..." keeps a copy first.')
          : vscode.l10n.t('The chats, their traces, their proposed edits and the sub-call answers kept for reuse are deleted, and the chat on show starts afresh. This cannot be undone: "RLM: Export Chat History..." keeps a copy first.'),
      }, clear);
      if (choice !== clear) return;
      const cleared = await deps.chats.clearHistory();
      await deps.forgetSubCalls();
      deps.trajectory.forget();
      void vscode.window.showInformationMessage(vscode.l10n.t('RLM: the chat history is cleared ({0}).', chatCount(cleared)));
    }],
    [COMMANDS.exportHistory, async () => {
      const chats = deps.store.all();
      if (chats.length === 0) {
        void vscode.window.showInformationMessage(vscode.l10n.t('RLM: there is no chat history to export.'));
        return;
      }
      const picked = await vscode.window.showSaveDialog({
        title: vscode.l10n.t('RLM: Export Chat History ({0}) to a new folder', chatCount(chats.length)),
        saveLabel: vscode.l10n.t('Export'),
        defaultUri: vscode.Uri.file(join(homedir(), `rlm-chat-history-${new Date().toISOString().slice(0, 10)}`)),
      });
      if (!picked) return;
      if (picked.scheme !== 'file') throw new Error(vscode.l10n.t('pick a folder on this machine to export to.'));
      const summary = await exportChatHistory(chats, deps.tracesDir, picked.fsPath, deps.secrets);
      const missing = summary.missing ? ` (${summary.missing} files the chats name were gone)` : '';
      deps.redactedLog.info(`Exported ${summary.chats} chat(s) and ${summary.files} file(s) to ${picked.fsPath}${missing}`);
      const exported = vscode.l10n.t('RLM: exported {0} and {1} to {2}.', chatCount(summary.chats),
        summary.files === 1 ? vscode.l10n.t('1 trace or edit file') : vscode.l10n.t('{0} trace and edit files', summary.files), picked.fsPath);
      void vscode.window.showInformationMessage(summary.missing ? `${exported} ${vscode.l10n.t('{0} of the files the chats name were gone.', summary.missing)}` : exported);
    }],
  ];
}

/** "1 chat", "3 chats": whole phrases, so a translation can word each form. */
function chatCount(n: number): string {
  return n === 1 ? vscode.l10n.t('1 chat') : vscode.l10n.t('{0} chats', n);
}
