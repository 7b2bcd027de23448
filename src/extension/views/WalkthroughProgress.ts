// The Get Started walkthrough's steps complete on what the user really did, not on a click in the walkthrough: the
// set-up became ready, a question got its answer, a proposed change was opened for review or accepted. Each sets a
// context key the step's `onContext:` completion event waits for; VS Code remembers a completed step itself.

import * as vscode from 'vscode';
import type { RunUpdate } from '../chats/ChatService';
import { WALKTHROUGH } from '../commandIds';

type Milestone = typeof WALKTHROUGH.ready | typeof WALKTHROUGH.answered | typeof WALKTHROUGH.reviewed;

export class WalkthroughProgress {
  private readonly reached = new Set<Milestone>();

  /** The set-up can answer a question now. */
  onSetup(status: { ready: boolean }): void {
    if (status.ready) this.reach(WALKTHROUGH.ready);
  }

  /** A question ended with its answer (a stop or an error does not count). */
  onRun(update: RunUpdate): void {
    if (update.kind === 'end' && update.exchange.status === 'done') this.reach(WALKTHROUGH.answered);
  }

  /** A proposed change was opened as diffs or accepted. */
  onReview(): void {
    this.reach(WALKTHROUGH.reviewed);
  }

  private reach(key: Milestone): void {
    if (this.reached.has(key)) return;
    this.reached.add(key);
    void vscode.commands.executeCommand('setContext', key, true);
  }
}
