// The Get Started walkthrough's steps complete on what the user really did, not on a click in the walkthrough: the
// set-up found a model that answers, a question got its answer, a proposed change was opened for review or accepted.
// Each is a context key the step's `onContext:` completion event waits for, and VS Code remembers a completed step.
//
// The key is raised and lowered again at once (a pulse), each time it happens. VS Code's walkthrough service is made
// when first needed (the Welcome page, "Open Walkthrough..."), and a key that is already true when it registers the
// steps is recorded as seen without completing them, never to count again in that window (VS Code 1.117,
// gettingStartedService's onContext handling). A key that stays false between pulses cannot be swallowed that way,
// and the next time it happens (the next answer, the next look at the set-up) completes the step.

import * as vscode from 'vscode';
import type { RunUpdate } from '../chats/ChatService';
import { WALKTHROUGH } from '../commandIds';

type Milestone = typeof WALKTHROUGH.ready | typeof WALKTHROUGH.answered | typeof WALKTHROUGH.reviewed;

export class WalkthroughProgress {
  /** The set-up was looked at and can answer a question. */
  onSetup(status: { ready: boolean }): void {
    if (status.ready) this.pulse(WALKTHROUGH.ready);
  }

  /** A question ended with its answer (a stop or an error does not count). */
  onRun(update: RunUpdate): void {
    if (update.kind === 'end' && update.exchange.status === 'done') this.pulse(WALKTHROUGH.answered);
  }

  /** A proposed change was opened as diffs or accepted. */
  onReview(): void {
    this.pulse(WALKTHROUGH.reviewed);
  }

  private pulse(key: Milestone): void {
    void (async () => {
      await vscode.commands.executeCommand('setContext', key, true);
      await vscode.commands.executeCommand('setContext', key, false);
    })();
  }
}
