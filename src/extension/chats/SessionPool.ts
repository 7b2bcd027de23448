// The live sessions of a window's chats: one RlmSession (one sandbox thread) per chat, reused by its follow-ups,
// at most a few at once. A session that goes (evicted, its folder closed or reopened) leaves its snapshot with
// its chat, and the chat's next question restores it: the conversation goes on, the variables do not.

import * as l10n from '@vscode/l10n';
import { RlmSession, type SessionSettings, type SessionSnapshot } from '../../core/loop/RlmSession';
import type { Workspace } from '../../core/workspace/types';
import type { ChatRecord } from './ChatStore';

export const DEFAULT_MAX_LIVE_SESSIONS = 3;

interface LiveSession {
  session: RlmSession;
  workspace: Workspace;
  lastUsed: number;
}

export class SessionPool {
  private readonly sessions = new Map<string, LiveSession>();
  /** Sessions being created, by chat: a question stopped while its session started leaves it to finish here. */
  private readonly opening = new Map<string, Promise<unknown>>();
  private disposed = false;

  constructor(
    /** Every key used in this window; the sessions redact them from events (the list grows). */
    private readonly secrets: string[],
    /** A session went: its conversation so far, for its chat to restore later. */
    private readonly onDrop: (chatId: string, snapshot: SessionSnapshot) => void,
    private readonly maxLive = DEFAULT_MAX_LIVE_SESSIONS,
  ) {}

  /** The chat's session over `workspace`, configured for this question: reused, or created (restored from the chat's snapshot). */
  async sessionFor(chat: ChatRecord, workspace: Workspace, settings: SessionSettings): Promise<RlmSession> {
    // One sandbox per chat: a session still starting for it (its question was stopped meanwhile) is waited for, then reused.
    await this.opening.get(chat.id);
    const live = this.sessions.get(chat.id);
    if (live && live.workspace === workspace) {
      live.session.configure(settings);
      live.lastUsed = Date.now();
      return live.session;
    }
    // The folder was reopened (new excludes): the conversation goes on over the new workspace.
    if (live) this.drop(chat.id);
    const creating = RlmSession.create({
      ...settings,
      context: { kind: 'workspace', workspace },
      secrets: this.secrets,
      // The model may propose edits: the chat shows them for review, and nothing is written unless the user accepts.
      proposeEdits: true,
      ...(chat.snapshot ? { restore: chat.snapshot } : {}),
    });
    this.opening.set(chat.id, creating.catch(() => undefined));
    let session: RlmSession;
    try {
      session = await creating;
    } finally {
      this.opening.delete(chat.id);
    }
    if (this.disposed) {
      session.dispose();
      throw new Error(l10n.t('The chats were closed while the session started.'));
    }
    this.sessions.set(chat.id, { session, workspace, lastUsed: Date.now() });
    this.evict(chat.id);
    return session;
  }

  /** Idle sessions over `workspace` go (it was closed or replaced). */
  dropOver(workspace: Workspace): void {
    for (const [chatId, live] of [...this.sessions]) if (live.workspace === workspace && !live.session.busy) this.drop(chatId);
  }

  /** Idle sessions of the chats `which` names go. */
  dropWhere(which: (chatId: string) => boolean): void {
    for (const [chatId, live] of [...this.sessions]) if (which(chatId) && !live.session.busy) this.drop(chatId);
  }

  drop(chatId: string): void {
    const live = this.sessions.get(chatId);
    if (!live) return;
    this.sessions.delete(chatId);
    this.onDrop(chatId, live.session.snapshot());
    live.session.dispose();
  }

  dispose(): void {
    this.disposed = true;
    for (const chatId of [...this.sessions.keys()]) this.drop(chatId);
  }

  /** Keeps at most maxLive sandboxes: the least recently used idle ones go. */
  private evict(keep: string): void {
    const idle = [...this.sessions].filter(([id, s]) => id !== keep && !s.session.busy).sort((a, b) => a[1].lastUsed - b[1].lastUsed);
    while (this.sessions.size > this.maxLive && idle.length > 0) this.drop(idle.shift()![0]);
  }
}
