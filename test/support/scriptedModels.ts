// Scripted models for engine tests: a FakeModelServer whose root model replies from a transcript (what a
// real model would write, turn by turn) and whose sub-model answers through a responder. The models are
// built with the real factory and SDKs, over real HTTP.

import { createModel } from '../../src/core/models/createModel';
import type { ModelPair } from '../../src/core/loop/options';
import { RlmSession, type RlmSessionOptions } from '../../src/core/loop/RlmSession';
import { FakeModelServer, type FakeReply, type FakeRequest, type FakeResponder, type FakeServerOptions } from '../fakes/FakeModelServer';

export const ROOT = 'root-model';
export const SUB = 'sub-model';
export const TEST_KEY = 'sk-test-4f1c2b9e0d8a7765';

export type RootTurn = string | FakeReply | ((req: FakeRequest) => string | FakeReply | Promise<string | FakeReply>);

export interface Scripted {
  server: FakeModelServer;
  models: ModelPair;
  rootRequests: () => FakeRequest[];
  subRequests: () => FakeRequest[];
  close: () => Promise<void>;
}

export async function scripted(
  root: RootTurn[],
  sub: FakeResponder = (req) => `sub answer to: ${req.messages.at(-1)?.content.slice(0, 40)}`,
  options: { api?: 'openai' | 'anthropic'; retries?: number; subContextWindow?: number; rootContextWindow?: number; server?: Omit<FakeServerOptions, 'models'> } = {},
): Promise<Scripted> {
  let turn = 0;
  const server = await FakeModelServer.start(async (req) => {
    if (req.model !== ROOT) return sub(req);
    const next = root[turn++];
    if (next === undefined) return { status: 400, text: `the root script has only ${root.length} turns` };
    return typeof next === 'function' ? next(req) : next;
  }, { models: [ROOT, SUB], ...options.server });
  const api = options.api ?? 'openai';
  const common = {
    provider: api,
    baseUrl: api === 'openai' ? server.openaiBaseUrl : server.anthropicBaseUrl,
    apiKey: TEST_KEY,
    retries: options.retries ?? 2,
  } as const;
  const rootModel = await createModel({ ...common, model: ROOT, contextWindow: options.rootContextWindow });
  const subModel = await createModel({ ...common, model: SUB, contextWindow: options.subContextWindow });
  return {
    server,
    models: { root: rootModel, sub: subModel },
    rootRequests: () => server.requests.filter((r) => r.model === ROOT),
    subRequests: () => server.requests.filter((r) => r.model === SUB),
    close: () => server.close(),
  };
}

/** A root reply: prose plus one ```repl block, as models write them. */
export function code(prose: string, ...blocks: string[]): string {
  return [prose, ...blocks.map((b) => '```repl\n' + b.trim() + '\n```')].join('\n\n');
}

/** Runs `fn` with a session over the scripted models, then disposes the session and closes the server. */
export async function withSession<T>(
  s: Scripted,
  options: RlmSessionOptions,
  fn: (session: RlmSession) => Promise<T>,
): Promise<T> {
  const session = await RlmSession.create(options);
  try {
    return await fn(session);
  } finally {
    session.dispose();
    await s.close();
  }
}
