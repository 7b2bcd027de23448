// Commands on one question's run, for the places that show a question outside the sidebar (the buttons under an
// @rlm answer in VS Code's Chat view): show its tree in the Trajectory view, and open its proposed changes in the
// sidebar's review, the same review with the same rules (accept per hunk and file, sensitive files on their own).

import * as vscode from 'vscode';
import { chatOfExchange, type ChatService } from './chats/ChatService';
import { COMMANDS } from './commandIds';
import type { Log } from './log';
import type { ReviewService } from './review/ReviewService';
import type { ChatView } from './views/ChatView';

export interface RunCommandDeps {
  chats: ChatService;
  reviews: ReviewService;
  chatView: ChatView;
  /** Shows the question's run in the Trajectory view (what the sidebar's "show run" does). */
  showRun(exchangeId: string): Promise<void>;
  log: Log;
}

/** An exchange id as ChatService makes them: `<chat>.q<n>` (the argument comes from a button anyone can run). */
const EXCHANGE_ID = /^[A-Za-z0-9_-]{1,100}\.q\d{1,6}$/;

export function registerRunCommands(deps: RunCommandDeps): vscode.Disposable[] {
  const exchangeOf = (id: unknown): string | undefined => {
    if (typeof id === 'string' && EXCHANGE_ID.test(id)) return id;
    deps.log.warn(`A run command was given ${JSON.stringify(id)?.slice(0, 100)}, which names no question`);
    return undefined;
  };
  return [
    vscode.commands.registerCommand(COMMANDS.showRun, async (id: unknown) => {
      const exchangeId = exchangeOf(id);
      if (exchangeId) await deps.showRun(exchangeId);
    }),
    vscode.commands.registerCommand(COMMANDS.reviewChanges, async (id: unknown) => {
      const exchangeId = exchangeOf(id);
      if (!exchangeId) return;
      // The review lives under the question in its chat: show that chat, then open the diffs as its Review button does.
      deps.chats.openChat(chatOfExchange(exchangeId));
      await deps.chatView.reveal();
      deps.reviews.handle({ type: 'review/open', exchangeId });
    }),
  ];
}
