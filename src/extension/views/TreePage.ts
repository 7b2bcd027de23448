// A trajectory page (the Trajectory view or a trace editor tab) as the host talks to it: whole trees go as a
// reset and slices (treeMessages.ts), live events follow in order behind them, and a newer tree cancels what
// is left of an older one.

import type * as vscode from 'vscode';
import type { RlmEvent } from '../../core/trajectory/events';
import type { HostToTree, MessageOf } from '../../protocol/messages';
import { treeMessages } from '../treeMessages';

export class TreePage {
  private queue: Promise<void> = Promise.resolve();
  private generation = 0;

  constructor(private readonly webview: () => vscode.Webview | undefined) {}

  /** Replaces the page's tree. */
  reset(reset: HostToTree['tree/reset']): void {
    const generation = ++this.generation;
    for (const message of treeMessages(reset)) this.send(message, generation);
  }

  /** Resolves when every message so far has been handed to the page (or dropped). */
  get settled(): Promise<void> {
    return this.queue;
  }

  /** More events of the live run the page shows. */
  append(events: RlmEvent[]): void {
    this.send({ type: 'tree/events', events }, this.generation);
  }

  private send(message: MessageOf<HostToTree>, generation: number): void {
    this.queue = this.queue.then(async () => {
      const webview = this.webview();
      if (generation !== this.generation || !webview) return;
      try {
        await webview.postMessage(message);
      } catch {
        // The page went away; the next reset starts over.
      }
    });
  }
}
