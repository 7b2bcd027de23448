// The Trajectory view: the tree of the running question (live), or of the question picked in the chat (read
// from its trace file). It follows the live run until another run is picked, and picks up the next run that starts.

import * as vscode from 'vscode';
import type { HostToTree, TreeToHost, MessageOf } from '../../protocol/messages';
import type { LiveRun, RunUpdate } from '../chats/ChatService';
import { VIEWS } from '../commandIds';
import type { Log } from '../log';
import { checkTreeMessage } from '../webviewMessages';
import { showPage } from '../webviewHtml';
import { TreePage } from './TreePage';

type Selection = { kind: 'live'; run: LiveRun } | { kind: 'saved'; exchangeId: string; reset: HostToTree['tree/reset'] };

const nothingYet = (): HostToTree['tree/reset'] => ({ title: vscode.l10n.t('No run yet: ask a question in the chat'), events: [], live: false });

export class TrajectoryView implements vscode.WebviewViewProvider {
  private view: vscode.WebviewView | undefined;
  private selection: Selection | undefined;
  private readonly page = new TreePage(() => this.view?.webview);

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: Log,
    private readonly onMessage: (message: Exclude<MessageOf<TreeToHost>, { type: 'ready' }>) => void,
  ) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    showPage(view.webview, this.extensionUri, 'trajectory', checkTreeMessage, this.log, 'The Trajectory view', (message) => {
      if (message.type === 'ready') this.page.reset(this.currentTree());
      else this.onMessage(message);
    });
    view.onDidDispose(() => {
      if (this.view === view) this.view = undefined;
    });
  }

  /** Follows the running question: a new run takes over the view, its events stream in. */
  onRun(update: RunUpdate): void {
    if (update.kind === 'start') {
      this.selection = { kind: 'live', run: update.run };
      this.page.reset(this.currentTree());
    } else if (this.selection?.kind === 'live' && this.selection.run === update.run) {
      if (update.kind === 'events') this.page.append(update.events);
      // Ended: the page has every event; a reload of the page gets the finished tree.
      else this.selection = { kind: 'saved', exchangeId: update.run.exchangeId, reset: { title: update.run.title, events: update.run.events, live: false } };
    }
  }

  /** Shows one question's run (from the chat's "show run"). */
  show(exchangeId: string, reset: HostToTree['tree/reset'], live: LiveRun | undefined): void {
    this.selection = live && live.exchangeId === exchangeId ? { kind: 'live', run: live } : { kind: 'saved', exchangeId, reset };
    this.page.reset(this.currentTree());
  }

  /** The chats were cleared: no run of theirs stays on show (a live one was stopped and has ended). */
  forget(): void {
    this.selection = undefined;
    this.page.reset(this.currentTree());
  }

  async reveal(): Promise<void> {
    if (this.view) this.view.show(true);
    else await vscode.commands.executeCommand(`${VIEWS.trajectory}.focus`);
  }

  private currentTree(): HostToTree['tree/reset'] {
    if (!this.selection) return nothingYet();
    if (this.selection.kind === 'saved') return this.selection.reset;
    const run = this.selection.run;
    // A copy: events that arrive after this are sent as tree/events, behind it.
    return { title: run.title, events: [...run.events], live: true };
  }
}
