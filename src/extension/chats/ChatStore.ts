// The chats of a workspace, kept across window reloads in the editor's workspace storage (a Memento): an index
// of summaries for the history list, and one entry per chat with its exchanges as the Chat view shows them and
// the session's snapshot (what RlmSession.create({restore}) needs to go on). Trace files live beside, in the
// extension's storage folder, with the proposed edits of the questions that made some; each exchange names its own. The oldest chats go once there are too many, and
// their trace files with them (the caller deletes those).

import * as l10n from '@vscode/l10n';
import type { SessionSnapshot } from '../../core/loop/RlmSession';
import { redactSecrets } from '../../core/redact';
import { firstLine } from '../../core/shortText';
import type { ChatSummary, Exchange } from '../../protocol/messages';
import { withShownAnswer } from './answers';

/** Shaped like vscode.Memento (ExtensionContext.workspaceState). */
export interface Memento {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
  keys(): readonly string[];
}

/** The workspace folder a chat asks about. */
export interface FolderRef {
  /** The folder's URI as a string (vscode.Uri.toString()). */
  uri: string;
  name: string;
}

export interface ExchangeRecord extends Exchange {
  /** The trace file's name in the traces folder. */
  traceFile?: string;
  /** The proposed edits and their review, a file beside the trace (see review/ReviewService.ts). */
  changesFile?: string;
}

export interface ChatRecord {
  id: string;
  title: string;
  createdAt: number;
  updatedAt: number;
  /** Set by the first question: every question of a chat goes to the same folder (its session's workspace). */
  folder?: FolderRef;
  exchanges: ExchangeRecord[];
  /** The session's conversation after the last question, to restore it after a reload. */
  snapshot?: SessionSnapshot;
}

/** Chats kept; older ones are dropped with their traces. */
export const DEFAULT_MAX_CHATS = 100;

const INDEX_KEY = 'rlm.chats.v1';
const CURRENT_KEY = 'rlm.currentChat.v1';
const CHAT_KEY_PREFIX = 'rlm.chat.v1/';
const chatKey = (id: string) => `${CHAT_KEY_PREFIX}${id}`;
const TITLE_CHARS = 80;

export const interruptedDetail = (): string => l10n.t('The window was closed or reloaded while this question was running.');

export class ChatStore {
  private readonly maxChats: number;

  constructor(private readonly memento: Memento, options: { maxChats?: number } = {}) {
    this.maxChats = options.maxChats ?? DEFAULT_MAX_CHATS;
  }

  /** Saved chats, most recently updated first. */
  history(): ChatSummary[] {
    const index = this.memento.get<ChatSummary[]>(INDEX_KEY);
    return Array.isArray(index) ? [...index].sort((a, b) => b.updatedAt - a.updatedAt) : [];
  }

  /**
   * A saved chat as it was stored. A question still marked running was cut off by a closed window (a live run
   * is never read back from here): it comes back cancelled, with its trace file, which has no receipt. One
   * stored by an earlier version comes back as this one stores it: a huge answer cut to what the chat keeps (the
   * trace has it whole), and an error's detail cut of anything shaped like a credential.
   */
  load(id: string): ChatRecord | undefined {
    const record = this.memento.get<ChatRecord>(chatKey(id));
    if (!record || typeof record !== 'object' || !Array.isArray(record.exchanges)) return undefined;
    return {
      ...record,
      exchanges: record.exchanges.map((e) => {
        const exchange = withShownAnswer(e.detail ? { ...e, detail: redactSecrets(e.detail) } : e);
        return exchange.status === 'running' ? { ...exchange, status: 'cancelled', detail: interruptedDetail() } : exchange;
      }),
    };
  }

  /** Every stored chat, most recently updated first (an export). */
  all(): ChatRecord[] {
    return this.history().flatMap((s) => {
      const record = this.load(s.id);
      return record ? [record] : [];
    });
  }

  /** Forgets every chat (a chat stored without its index entry too); returns them, for their files to go. */
  async clear(): Promise<ChatRecord[]> {
    const ids = new Set([...this.history().map((s) => s.id), ...this.memento.keys().filter((k) => k.startsWith(CHAT_KEY_PREFIX)).map((k) => k.slice(CHAT_KEY_PREFIX.length))]);
    const records = [...ids].flatMap((id) => {
      const record = this.load(id);
      return record ? [record] : [];
    });
    for (const id of ids) await this.memento.update(chatKey(id), undefined);
    await this.memento.update(INDEX_KEY, undefined);
    await this.memento.update(CURRENT_KEY, undefined);
    return records;
  }

  /** Saves a chat (one with no question yet is not worth a history entry) and drops the oldest beyond the cap; returns them. */
  async save(chat: ChatRecord): Promise<ChatRecord[]> {
    if (chat.exchanges.length === 0) return [];
    const summaries = this.history().filter((s) => s.id !== chat.id);
    summaries.unshift(summaryOf(chat));
    const dropped = summaries.splice(this.maxChats);
    const droppedRecords = dropped.flatMap((s) => {
      const record = this.load(s.id);
      return record ? [record] : [];
    });
    await this.memento.update(chatKey(chat.id), chat);
    await this.memento.update(INDEX_KEY, summaries);
    for (const s of dropped) await this.memento.update(chatKey(s.id), undefined);
    return droppedRecords;
  }

  currentId(): string | undefined {
    const id = this.memento.get<string>(CURRENT_KEY);
    return typeof id === 'string' ? id : undefined;
  }

  async setCurrent(id: string | undefined): Promise<void> {
    await this.memento.update(CURRENT_KEY, id);
  }
}

export function summaryOf(chat: ChatRecord): ChatSummary {
  return { id: chat.id, title: chat.title, updatedAt: chat.updatedAt, ...(chat.folder ? { folder: chat.folder.name } : {}) };
}

/** A chat's title: the first line of its first question, shortened. */
export function titleOf(question: string): string {
  return firstLine(question, TITLE_CHARS) || l10n.t('Untitled question');
}
