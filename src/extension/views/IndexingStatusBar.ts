// A status-bar item while a folder is indexed for the first time: how far it has got, and a click stops it
// (RLM: Stop Indexing). It shows once indexing has run for a moment, so a small folder never flashes it.

import * as vscode from 'vscode';
import { COMMANDS, INDEXING_CONTEXT_KEY } from '../commandIds';
import type { FolderIndexing } from '../workspace/WorkspaceRoots';
import { indexingStatus } from './statusText';

/** How often the progress is read again while indexing runs. */
const REFRESH_MS = 500;
/** Indexing shorter than this is not worth a status-bar item. */
const SHOW_AFTER_MS = 1_000;

export class IndexingStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('rlm.indexing', vscode.StatusBarAlignment.Left, 9);
  private timer: NodeJS.Timeout | undefined;
  private since = 0;

  constructor(private readonly folders: () => FolderIndexing[]) {
    this.item.name = vscode.l10n.t('RLM: indexing');
    this.item.command = COMMANDS.stopIndexing;
  }

  /** A folder's first indexing started: follow it (and any other) until every one is done or stopped. */
  follow(): void {
    if (this.timer) return;
    this.since = Date.now();
    void vscode.commands.executeCommand('setContext', INDEXING_CONTEXT_KEY, true);
    this.timer = setInterval(() => this.refresh(), REFRESH_MS);
  }

  /** Reads the progress now (after a stop, say). */
  refresh(): void {
    const folders = this.folders();
    if (folders.length === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
      this.item.hide();
      void vscode.commands.executeCommand('setContext', INDEXING_CONTEXT_KEY, false);
      return;
    }
    if (Date.now() - this.since < SHOW_AFTER_MS) return;
    const { text, tooltip } = indexingStatus(folders);
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.show();
  }

  dispose(): void {
    clearInterval(this.timer);
    this.item.dispose();
  }
}
