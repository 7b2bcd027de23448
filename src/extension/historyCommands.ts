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

const CLEAR = 'Clear History';

export function historyCommands(deps: HistoryDeps): Array<[string, () => Promise<void>]> {
  return [
    [COMMANDS.clearHistory, async () => {
      const count = deps.store.history().length;
      if (count === 0 && !deps.chats.busy) {
        void vscode.window.showInformationMessage('RLM: there is no chat history to clear.');
        return;
      }
      const running = deps.chats.busy ? ' The question running now is stopped.' : '';
      const choice = await vscode.window.showWarningMessage(`Clear the RLM chat history of this workspace (${plural(count, 'chat')})?`, {
        modal: true,
        detail: `The chats, their traces, their proposed edits and the sub-call answers kept for reuse are deleted, and the chat on show starts afresh.${running} This cannot be undone: "RLM: Export Chat History..." keeps a copy first.`,
      }, CLEAR);
      if (choice !== CLEAR) return;
      const cleared = await deps.chats.clearHistory();
      await deps.forgetSubCalls();
      deps.trajectory.forget();
      void vscode.window.showInformationMessage(`RLM: the chat history is cleared (${plural(cleared, 'chat')}).`);
    }],
    [COMMANDS.exportHistory, async () => {
      const chats = deps.store.all();
      if (chats.length === 0) {
        void vscode.window.showInformationMessage('RLM: there is no chat history to export.');
        return;
      }
      const picked = await vscode.window.showSaveDialog({
        title: `RLM: Export Chat History (${plural(chats.length, 'chat')}) to a new folder`,
        saveLabel: 'Export',
        defaultUri: vscode.Uri.file(join(homedir(), `rlm-chat-history-${new Date().toISOString().slice(0, 10)}`)),
      });
      if (!picked) return;
      if (picked.scheme !== 'file') throw new Error('pick a folder on this machine to export to.');
      const summary = await exportChatHistory(chats, deps.tracesDir, picked.fsPath, deps.secrets);
      const missing = summary.missing ? ` (${plural(summary.missing, 'file')} the chats name were gone)` : '';
      deps.redactedLog.info(`Exported ${plural(summary.chats, 'chat')} and ${plural(summary.files, 'file')} to ${picked.fsPath}${missing}`);
      void vscode.window.showInformationMessage(`RLM: exported ${plural(summary.chats, 'chat')} and ${plural(summary.files, 'trace and edit file')} to ${picked.fsPath}${missing}.`);
    }],
  ];
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
