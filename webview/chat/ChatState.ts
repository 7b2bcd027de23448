// What the Chat view knows, updated by the host's messages (applied once per frame, see main.ts). Pure state:
// the templates in chat/views read it.

import type { ChatSnapshot, ChatSummary, Exchange, HostToChat, MessageOf, Review, SetupStatus } from '../../src/protocol/messages';
import { DraftAttachments } from './DraftAttachments';
import { RunProgress } from './RunProgress';

export class ChatState {
  chat: ChatSnapshot | undefined;
  history: ChatSummary[] = [];
  setup: SetupStatus | undefined;
  busy = false;
  /** The running exchange's fold of its events (status line, streamed text). */
  private readonly progress = new Map<string, RunProgress>();
  /** The proposed edits of the chat's exchanges, by exchange id, as the host last sent them. */
  readonly reviews = new Map<string, Review>();
  /** What is attached to the question being written. */
  readonly attachments = new DraftAttachments();

  apply(message: MessageOf<HostToChat>): void {
    switch (message.type) {
      case 'chat/state':
        if (message.chat.id !== this.chat?.id) this.reviews.clear();
        this.chat = message.chat;
        this.history = message.history;
        this.setup = message.setup;
        this.busy = message.busy;
        {
          // A state sent mid-run keeps the fold so far (a re-created view gets the run's events again as run/events).
          const running = this.chat.exchanges.find((x) => x.status === 'running');
          for (const id of this.progress.keys()) if (id !== running?.id) this.progress.delete(id);
        }
        return;
      case 'chat/setup':
        this.setup = message.setup;
        return;
      case 'chat/history': {
        this.history = message.history;
        // A chat is named after its first question when that question is saved: the new name comes this way.
        const mine = this.chat && message.history.find((summary) => summary.id === this.chat!.id);
        if (mine && this.chat) this.chat.title = mine.title;
        return;
      }
      case 'run/start':
        this.busy = true;
        if (message.chatId !== this.chat?.id) return;
        this.upsert(message.exchange);
        this.progress.set(message.exchange.id, new RunProgress());
        return;
      case 'run/events':
        if (message.chatId !== this.chat?.id) return;
        this.progressOf(message.exchangeId).apply(message.events);
        return;
      case 'run/end':
        this.busy = false;
        if (message.chatId !== this.chat?.id) return;
        this.upsert(message.exchange);
        this.progress.delete(message.exchange.id);
        return;
      case 'attach/chips':
        this.attachments.add(message.chips);
        return;
      case 'attach/completions':
        this.attachments.completed(message.query, message.paths);
        return;
      case 'review/state':
        // A review can arrive before its question's run/end: it waits here until the exchange shows it.
        if (message.chatId === this.chat?.id) this.reviews.set(message.review.exchangeId, message.review);
        return;
    }
  }

  /** The fold of a running exchange, if it is running. */
  runProgress(exchangeId: string): RunProgress | undefined {
    return this.progress.get(exchangeId);
  }

  get running(): Exchange | undefined {
    return this.chat?.exchanges.find((x) => x.status === 'running');
  }

  get canAsk(): boolean {
    return this.setup?.ready === true && !this.busy;
  }

  private progressOf(exchangeId: string): RunProgress {
    let progress = this.progress.get(exchangeId);
    if (!progress) this.progress.set(exchangeId, (progress = new RunProgress()));
    return progress;
  }

  private upsert(exchange: Exchange): void {
    if (!this.chat) return;
    const at = this.chat.exchanges.findIndex((x) => x.id === exchange.id);
    if (at >= 0) this.chat.exchanges[at] = exchange;
    else this.chat.exchanges.push(exchange);
  }
}
