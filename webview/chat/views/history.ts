// The toolbar (New chat, History) and the list of earlier chats, newest first, each with the folder it asks about
// (in a multi-root window, chats with like titles can be about different folders).

import * as l10n from '@vscode/l10n';
import { html, nothing } from 'lit';
import type { ChatSummary } from '../../../src/protocol/messages';

export interface HistoryHandlers {
  newChat(): void;
  toggle(): void;
  open(chatId: string): void;
}

export function toolbarView(title: string, historyOpen: boolean, count: number, on: HistoryHandlers) {
  return html`<header class="toolbar">
    <span class="chat-title" data-testid="chat-title" title=${title}>${title}</span>
    <vscode-button secondary data-testid="history-toggle" aria-expanded=${historyOpen ? 'true' : 'false'} aria-controls="history" @click=${on.toggle}>${count ? l10n.t('History ({0})', count) : l10n.t('History')}</vscode-button>
    <vscode-button secondary data-testid="new-chat" @click=${on.newChat}>${l10n.t('New chat')}</vscode-button>
  </header>`;
}

export function historyView(open: boolean, history: readonly ChatSummary[], currentId: string | undefined, on: HistoryHandlers) {
  if (!open) return nothing;
  const sorted = [...history].sort((a, b) => b.updatedAt - a.updatedAt);
  return html`<nav id="history" class="history" data-testid="history" aria-label=${l10n.t('Earlier chats')}>
    ${sorted.length === 0 ? html`<p class="hint">${l10n.t('No earlier chats.')}</p>` : html`<ul>
      ${sorted.map((chat) => html`<li>
        <button class="history-item" data-testid="history-item" data-chat-id=${chat.id}
          aria-current=${chat.id === currentId ? 'true' : 'false'} @click=${() => on.open(chat.id)}>
          <span class="title">${chat.title || l10n.t('Untitled chat')}</span>
          <span class="when">${chat.folder ? html`<span data-testid="history-folder">${chat.folder}</span> · ` : nothing}${new Date(chat.updatedAt).toLocaleString()}</span>
        </button>
      </li>`)}
    </ul>`}
  </nav>`;
}
