// A window's chats without the editor, for the tests of ChatService and what is built on it: the real engine
// (QuickJS sandbox, the workspace over a real folder, the OpenAI SDK over HTTP to the fake server), the real model
// set-up from settings, a Memento kept in a Map, trace files in a temp folder. What the Chat view is sent is recorded.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SubCallCache } from '../../src/core/loop/SubCallCache';
import type { PriceTable } from '../../src/core/models/pricing';
import { FileSystemWorkspace } from '../../src/core/workspace/FileSystemWorkspace';
import { ChatService, type ChatServiceDeps, type RunUpdate } from '../../src/extension/chats/ChatService';
import { ChatStore, type FolderRef } from '../../src/extension/chats/ChatStore';
import type { Log } from '../../src/extension/log';
import { prepareModels, type ModelSources } from '../../src/extension/models/modelSetup';
import { SETTING_DEFAULTS, type KeyedProvider, type RlmSettings } from '../../src/extension/settings';
import type { HostToChat, MessageOf } from '../../src/protocol/messages';
import { FakeModelServer, type FakeReply, type FakeRequest, type FakeServerOptions } from '../fakes/FakeModelServer';
import { MapMemento } from './MapMemento';

export const ROOT = 'root-model';
export const SUB = 'sub-model';
export const KEY = 'sk-chat-test-5b2e91c7d04f';

export class MemoryLog implements Log {
  readonly lines: string[] = [];
  debug(m: string) { this.lines.push(`debug ${m}`); }
  info(m: string) { this.lines.push(`info ${m}`); }
  warn(m: string) { this.lines.push(`warn ${m}`); }
  error(m: string) { this.lines.push(`error ${m}`); }
}

export function folderWithCode(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rlm-chat-ws-'));
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src', 'retry.ts'), 'export function backoff(attempt: number) {\n  return Math.min(30_000, 2 ** attempt * 100);\n}\n');
  writeFileSync(join(dir, 'README.md'), '# demo\n');
  return dir;
}

export type RootReply = string | FakeReply | ((req: FakeRequest) => string | FakeReply);

/** A window's chats over one folder and the fake server; root replies are queued by the test. */
export async function harness(options: {
  settings?: Partial<RlmSettings>; keys?: Partial<Record<KeyedProvider, string>>; memento?: MapMemento; tracesDir?: string; prices?: PriceTable; dir?: string;
  /** The folder's workspace as the editor opens it (default: a FileSystemWorkspace, opened once). */
  folders?: Pick<ChatServiceDeps, 'workspace' | 'indexing' | 'stopIndexing'>;
  /** The folder's sub-call cache (default: none, every sub-call is sent). */
  subCallCache?: SubCallCache;
  /** Where the Problems and changes attachments come from (default: none). */
  attachments?: Pick<ChatServiceDeps, 'problems' | 'changes'>;
  /** The sub-model's replies, child runs' turns among them (default: an answer quoting the prompt). */
  sub?: (req: FakeRequest) => string | FakeReply;
  server?: Omit<FakeServerOptions, 'models'>;
} = {}) {
  const rootQueue: RootReply[] = [];
  const server = await FakeModelServer.start((req) => {
    if (req.model !== ROOT) return options.sub ? options.sub(req) : `sub answer: ${req.messages.at(-1)!.content.slice(0, 30)}`;
    const next = rootQueue.shift();
    if (next === undefined) return { status: 400, text: 'the test queued no root reply' };
    return typeof next === 'function' ? next(req) : next;
  }, { models: [ROOT, SUB], ...options.server });
  const dir = options.dir ?? folderWithCode();
  const folder: FolderRef = { uri: `file://${dir}`, name: 'demo' };
  const memento = options.memento ?? new MapMemento();
  const tracesDir = options.tracesDir ?? join(mkdtempSync(join(tmpdir(), 'rlm-chat-traces-')), 'traces');
  const posted: Array<MessageOf<HostToChat>> = [];
  const notices: string[] = [];
  const updates: RunUpdate[] = [];
  const log = new MemoryLog();
  const workspaces: FileSystemWorkspace[] = [];
  const settings: RlmSettings = { ...SETTING_DEFAULTS, provider: 'openai-compatible', baseUrl: server.openaiBaseUrl, rootModel: ROOT, subModel: SUB, ...options.settings };
  const sources: ModelSources = {
    editorModels: async () => [],
    editorApi: { message: () => ({}), cancellationSource: () => { throw new Error('no editor here'); } },
    key: async (p) => options.keys?.[p],
    findLocalServer: async () => undefined,
    prices: options.prices,
  };
  const service = new ChatService({
    store: new ChatStore(memento),
    tracesDir,
    settings: () => settings,
    prepareModels: (s) => prepareModels(s, sources),
    workspace: async () => {
      if (!workspaces[0]) workspaces.push(await FileSystemWorkspace.openAsync(dir));
      return workspaces[0]!;
    },
    ...options.folders,
    pickFolder: async () => folder,
    secrets: [],
    log,
    post: (m) => posted.push(m),
    notify: (m) => notices.push(m),
    setup: () => ({ ready: true, provider: 'openai-compatible', maxCostUsd: 2 }),
    batchMs: 20,
    subCallCache: () => options.subCallCache,
    ...options.attachments,
  });
  service.onRun((u) => updates.push(u));
  return {
    service, server, rootQueue, posted, notices, updates, log, memento, tracesDir, settings, dir, folder,
    of: <T extends MessageOf<HostToChat>['type']>(type: T) => posted.filter((m): m is Extract<MessageOf<HostToChat>, { type: T }> => m.type === type),
    close: async () => {
      service.dispose();
      for (const w of workspaces) w.dispose();
      await server.close();
    },
  };
}

