// Which models answer, from the settings and what is there; and the models built from that decision: the
// editor's (through the fake editor model) or an OpenAI-compatible server's (the fake server over HTTP).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LocalServer } from '../../../src/core/models/localServers';
import { prepareModels, type ModelSources } from '../../../src/extension/models/modelSetup';
import { planProvider, setupStatus, wantsLocalServer, type EditorModelInfo, type SetupFacts } from '../../../src/extension/models/providerPlan';
import { SetupProblem } from '../../../src/extension/problems';
import { SETTING_DEFAULTS, type KeyedProvider, type RlmSettings } from '../../../src/extension/settings';
import { FakeCancellationTokenSource, FakeEditorModel, type FakeEditorMessage } from '../../fakes/FakeEditorModel';
import { FakeModelServer } from '../../fakes/FakeModelServer';
import { closedPort } from '../../support/closedPort';

const settings = (over: Partial<RlmSettings> = {}): RlmSettings => ({ ...SETTING_DEFAULTS, ...over });
const editor = (id: string, family = id): EditorModelInfo => ({ id, name: id.toUpperCase(), family, vendor: 'copilot' });
const facts = (over: Partial<SetupFacts> = {}): SetupFacts => ({ editorModels: [], keys: new Set<KeyedProvider>(), ...over });
const ollama: LocalServer = { name: 'Ollama', baseUrl: 'http://127.0.0.1:11434/v1', models: ['qwen2.5-coder:7b'] };

test('auto: a base URL, then a key, then the editor\'s models; a local server is offered, not used', () => {
  const models = [editor('gpt-4o'), editor('claude-sonnet')];
  assert.deepEqual(planProvider(settings({ baseUrl: 'https://box:8000/v1' }), facts({ editorModels: models })), { kind: 'api', provider: 'openai-compatible', baseUrl: 'https://box:8000/v1', rootModel: undefined, subModel: undefined });
  assert.equal((planProvider(settings(), facts({ editorModels: models, keys: new Set(['anthropic']) })) as { provider: string }).provider, 'anthropic');
  assert.equal((planProvider(settings(), facts({ editorModels: models, keys: new Set(['openai', 'anthropic']) })) as { provider: string }).provider, 'openai');
  const editorPlan = planProvider(settings(), facts({ editorModels: models, localServer: ollama }));
  assert.equal(editorPlan.kind, 'vscode-lm', 'the editor\'s models are the default when there are any');
  assert.deepEqual(editorPlan.kind === 'vscode-lm' && [editorPlan.root.id, editorPlan.sub.id], ['gpt-4o', 'gpt-4o']);

  const offered = setupStatus(settings(), facts({ localServer: ollama }));
  assert.equal(offered.ready, false);
  assert.deepEqual(offered.localServer, { url: ollama.baseUrl, models: ollama.models });
  assert.match(offered.problem!.message, /^Ollama answers at http:\/\/127\.0\.0\.1:11434\/v1 \(models: qwen2\.5-coder:7b\)/);
  assert.deepEqual(offered.problem!.actions[0], { label: 'Use Ollama', command: 'rlm.useLocalServer' });

  const nothing = setupStatus(settings(), facts());
  assert.equal(nothing.ready, false);
  assert.equal(nothing.provider, 'auto');
  assert.match(nothing.problem!.message, /editor's language models.*API key.*local server/);
  assert.deepEqual(nothing.problem!.actions.map((a) => a.command), ['rlm.setApiKey', 'rlm.selectModel', 'workbench.action.openSettings', 'rlm.refreshSetup']);
});

test('a local server with no model yet says to pull one', () => {
  const empty = { ...ollama, models: [] };
  for (const provider of ['auto', 'openai-compatible'] as const) {
    const status = setupStatus(settings({ provider }), facts({ localServer: empty }));
    assert.equal(status.ready, false, provider);
    assert.match(status.problem!.message, /has no model yet: .*ollama pull/);
  }
});

test('explicit providers: a missing key names the provider; openai-compatible without a URL uses the server found', () => {
  const openai = setupStatus(settings({ provider: 'openai' }), facts({ editorModels: [editor('gpt-4o')] }));
  assert.equal(openai.ready, false);
  assert.match(openai.problem!.message, /No OpenAI API key is set/);
  assert.deepEqual(openai.problem!.actions[0]!.args, ['openai']);
  assert.deepEqual(setupStatus(settings({ provider: 'anthropic' }), facts({ keys: new Set(['anthropic']) })),
    { ready: true, provider: 'anthropic', rootModel: 'claude-sonnet-4-5', subModel: 'claude-haiku-4-5', maxCostUsd: 2 });
  assert.equal(setupStatus(settings({ provider: 'openai', baseUrl: 'https://gateway/v1' }), facts()).ready, true, 'a gateway may need no key');

  const local = setupStatus(settings({ provider: 'openai-compatible' }), facts({ localServer: ollama }));
  assert.deepEqual(local, {
    ready: true, provider: 'openai-compatible', rootModel: 'qwen2.5-coder:7b', subModel: 'qwen2.5-coder:7b', maxCostUsd: 2,
    unpriced: { models: ['qwen2.5-coder:7b'], maxRequests: 300 }, localServer: { url: ollama.baseUrl, models: ollama.models },
  }, 'a local model has no price: the request cap governs it');
  const none = setupStatus(settings({ provider: 'openai-compatible' }), facts());
  assert.match(none.problem!.message, /Set its address in rlm\.baseUrl/);
  assert.deepEqual(none.problem!.actions[0]!.args, ['rlm.baseUrl']);
});

test('vscode-lm: models by id, family or name; none offered says what to install; an unknown name says what there is', () => {
  const models = [editor('copilot-gpt-4o', 'gpt-4o'), editor('copilot-mini', 'gpt-4o-mini')];
  const plan = planProvider(settings({ provider: 'vscode-lm', rootModel: 'gpt-4o', subModel: 'COPILOT-MINI' }), facts({ editorModels: models }));
  assert.deepEqual(plan.kind === 'vscode-lm' && [plan.root.id, plan.sub.id], ['copilot-gpt-4o', 'copilot-mini']);
  assert.deepEqual(setupStatus(settings({ provider: 'vscode-lm', rootModel: 'gpt-4o' }), facts({ editorModels: models })),
    { ready: true, provider: 'vscode-lm', rootModel: 'COPILOT-GPT-4O', subModel: 'COPILOT-GPT-4O', maxCostUsd: 2, unpriced: { models: ['COPILOT-GPT-4O'], maxRequests: 300 } });
  const none = setupStatus(settings({ provider: 'vscode-lm' }), facts());
  assert.match(none.problem!.message, /offers no language models\. Install an extension that provides them/);
  const unknown = setupStatus(settings({ provider: 'vscode-lm', subModel: 'o3' }), facts({ editorModels: models }));
  assert.match(unknown.problem!.message, /no language model called "o3" \(it has copilot-gpt-4o, copilot-mini\)/);
  assert.deepEqual(unknown.problem!.actions[1]!.args, ['rlm.subModel']);
});

test('the cost cap shows in the status; 0 means none', () => {
  assert.equal(setupStatus(settings({ maxCostPerQuestion: 0.25 }), facts({ keys: new Set(['openai']) })).maxCostUsd, 0.25);
  assert.equal(setupStatus(settings({ maxCostPerQuestion: 0 }), facts({ keys: new Set(['openai']) })).maxCostUsd, null);
});

test('the local ports are only probed when nothing else answers', () => {
  assert.equal(wantsLocalServer(settings(), facts()), true);
  assert.equal(wantsLocalServer(settings(), facts({ editorModels: [editor('m')] })), false);
  assert.equal(wantsLocalServer(settings(), facts({ keys: new Set(['openai']) })), false);
  assert.equal(wantsLocalServer(settings({ provider: 'openai' }), facts()), false, 'an explicit API provider never gets a local server');
  assert.equal(wantsLocalServer(settings({ provider: 'openai-compatible' }), facts()), true);
});

function sources(over: Partial<ModelSources<FakeEditorMessage>> = {}): ModelSources<FakeEditorMessage> & { probes: number } {
  const s = {
    probes: 0,
    editorModels: async () => [],
    editorApi: { message: (role: 'user' | 'assistant', content: string) => ({ role, content }), cancellationSource: () => new FakeCancellationTokenSource() },
    key: async () => undefined,
    findLocalServer: async () => {
      s.probes++;
      return undefined;
    },
    ...over,
  };
  return s;
}

test('prepareModels: the editor\'s models answer through the adapter, sub-calls by name too', async () => {
  // vscode.LanguageModelChat has a display name beside its id.
  const big = Object.assign(new FakeEditorModel('copilot-big', () => ({ text: 'root says hi' })), { name: 'Copilot Big' });
  const small = Object.assign(new FakeEditorModel('copilot-small', () => ({ text: 'sub says hi' })), { name: 'Copilot Small' });
  const src = sources({ editorModels: async () => [big, small] });
  const prepared = await prepareModels(settings({ subModel: 'copilot-small' }), src);
  assert.equal(prepared.provider, 'vscode-lm');
  assert.equal(prepared.costOf('copilot-big', { inputTokens: 1e6, outputTokens: 1e6, estimated: false }), undefined, 'no price is known: the cost is unknown, not $0');
  assert.equal((await prepared.models.root.complete({ messages: [{ role: 'user', content: 'q' }] })).text, 'root says hi');
  assert.equal((await prepared.models.sub.complete({ messages: [{ role: 'user', content: 'q' }] })).text, 'sub says hi');
  assert.equal(await prepared.models.byName!('copilot-big'), prepared.models.root, 'one ChatModel per editor model');
  await assert.rejects(Promise.resolve(prepared.models.byName!('nope')), /no language model called "nope"/);
  assert.equal(src.probes, 0, 'no port was probed: the editor had models');
});

test('prepareModels: openai-compatible with a URL takes the server\'s first model; the key from SecretStorage is sent', async () => {
  const server = await FakeModelServer.start((req) => `echo ${req.model} ${req.headers.authorization ?? 'none'}`, { models: ['llama-3.1-8b', 'other'] });
  try {
    const prepared = await prepareModels(settings({ provider: 'openai-compatible', baseUrl: server.openaiBaseUrl }), sources({ key: async (p) => (p === 'openai-compatible' ? 'sk-router-0123456789' : undefined) }));
    assert.equal(prepared.models.root.name, 'llama-3.1-8b');
    assert.equal(prepared.models.sub.name, 'llama-3.1-8b');
    assert.equal(prepared.key, 'sk-router-0123456789');
    assert.equal((await prepared.models.root.complete({ messages: [{ role: 'user', content: 'q' }] })).text, 'echo llama-3.1-8b Bearer sk-router-0123456789');
    assert.match(prepared.description, /^the server at http:\/\/127\.0\.0\.1:\d+\/v1: llama-3\.1-8b \(root\)/);
  } finally {
    await server.close();
  }
});

test('prepareModels: nothing set up, a server listing no models, one that wants a key, an unreachable one: each a SetupProblem with its fix', async () => {
  const src = sources();
  await assert.rejects(prepareModels(settings(), src), (e: Error) => e instanceof SetupProblem && /Choose how RLM reaches a model/.test(e.message));
  assert.equal(src.probes, 1, 'the ports were looked at once');
  const empty = await FakeModelServer.start(() => 'x', { models: [] });
  try {
    await assert.rejects(prepareModels(settings({ provider: 'openai-compatible', baseUrl: empty.openaiBaseUrl }), sources()),
      (e: Error) => e instanceof SetupProblem && /lists no models/.test(e.message) && e.problem.actions[0]!.args![0] === 'rlm.rootModel');
  } finally {
    await empty.close();
  }
  const locked = http.createServer((_req, res) => res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":{"message":"No API key provided","type":"invalid_request_error"}}'));
  await new Promise<void>((resolve) => locked.listen(0, '127.0.0.1', () => resolve()));
  try {
    const lockedUrl = `http://127.0.0.1:${(locked.address() as AddressInfo).port}/v1`;
    await assert.rejects(prepareModels(settings({ provider: 'openai-compatible', baseUrl: lockedUrl }), sources()), (e: Error) =>
      e instanceof SetupProblem && /401 Unauthorized: the server wants an API key: set its key with "RLM: Set API Key"/.test(e.message)
      && JSON.stringify(e.problem.actions[0]!.args) === '["openai-compatible"]');
  } finally {
    locked.close();
  }
  const url = `http://127.0.0.1:${await closedPort()}/v1`;
  await assert.rejects(prepareModels(settings({ provider: 'openai-compatible', baseUrl: url }), sources()),
    (e: Error) => e instanceof SetupProblem && e.message.startsWith(`Could not reach ${url}: is the server running?`));
});

test('plain http:// to another machine is refused with what to do, unless the user allowed it; this machine is fine', () => {
  for (const provider of ['auto', 'openai', 'anthropic', 'openai-compatible'] as const) {
    const status = setupStatus(settings({ provider, baseUrl: 'http://gateway.example/v1' }), facts({ keys: new Set(['openai', 'anthropic']) }));
    assert.equal(status.ready, false, provider);
    assert.match(status.problem!.message, /^rlm\.baseUrl is http:\/\/gateway\.example\/v1: plain http:\/\/ to another machine would send your code and API key across the network unencrypted\. Use https:\/\/, or, on a network you trust, turn on rlm\.allowInsecureHttp/);
    assert.deepEqual(status.problem!.actions.map((a) => a.args), [['rlm.baseUrl'], ['rlm.allowInsecureHttp']]);
  }
  assert.equal(planProvider(settings({ baseUrl: 'http://gateway.example/v1', allowInsecureHttp: true }), facts()).kind, 'api');
  for (const url of ['http://127.0.0.1:11434/v1', 'http://localhost:1234/v1', 'http://[::1]:8080/v1', 'https://gateway.example/v1']) {
    assert.equal(planProvider(settings({ baseUrl: url }), facts()).kind, 'api', url);
  }
  assert.equal(planProvider(settings({ provider: 'vscode-lm', baseUrl: 'http://gateway.example/v1' }), facts({ editorModels: [editor('m')] })).kind, 'vscode-lm', 'the URL is not used by the editor\'s models');
});

test('a window whose folders are not on this machine says so before anything is asked, whatever the provider', () => {
  const status = setupStatus(settings(), facts({ editorModels: [editor('gpt-4o')], virtualFolder: 'vscode-vfs://github/rlm-code/rlm-code' }));
  assert.equal(status.ready, false);
  assert.match(status.problem!.message, /^Questions need the workspace's files on this machine, and vscode-vfs:\/\/github\/rlm-code\/rlm-code is not \(a virtual workspace\)\. Clone the repository/);
  assert.deepEqual(status.problem!.actions.map((a) => a.command), ['workbench.action.files.openFolder']);
  assert.equal(planProvider(settings({ provider: 'openai' }), facts({ keys: new Set(['openai']), virtualFolder: 'vscode-vfs://x' })).kind, 'unavailable', 'the same decision refuses a question asked anyway');
});

test('Restricted Mode: the status carries the one line and the way to trust the folder, ready or not', () => {
  const ready = setupStatus(settings(), facts({ editorModels: [editor('gpt-4o')], trusted: false }));
  assert.equal(ready.ready, true);
  assert.equal(ready.restricted!.message, "Restricted Mode: this folder's settings for models, limits and commands are ignored, and no command runs.");
  assert.deepEqual(ready.restricted!.actions.map((a) => a.command), ['workbench.trust.manage']);
  assert.ok(setupStatus(settings(), facts({ trusted: false })).restricted, 'also in the welcome');
  assert.equal(setupStatus(settings(), facts({ editorModels: [editor('gpt-4o')], trusted: true })).restricted, undefined);
});

test('which models a question will use, before it spends: a server\'s first listed model, and whether each has a price', () => {
  const listing = { models: ['openai/gpt-5', 'meta/llama-4'], prices: { 'openai/gpt-5': { input: 1.25, output: 10 } } };
  const gateway = settings({ baseUrl: 'https://openrouter.ai/api/v1' });
  const priced = setupStatus(gateway, facts({ listing }));
  assert.deepEqual([priced.rootModel, priced.subModel, priced.unpriced], ['openai/gpt-5', 'openai/gpt-5', undefined], 'the server priced it');
  const mixed = setupStatus({ ...gateway, subModel: 'meta/llama-4' }, facts({ listing }));
  assert.deepEqual(mixed.unpriced, { models: ['meta/llama-4'], maxRequests: 300 });
  const yours = setupStatus({ ...gateway, subModel: 'meta/llama-4', prices: { 'meta/llama-4': { input: 0.1, output: 0.1 } }, maxRequestsPerQuestion: 0 }, facts({ listing }));
  assert.equal(yours.unpriced, undefined, 'rlm.prices fills the gap');
  const unknown = setupStatus(settings({ provider: 'openai', rootModel: 'gpt-7-turbo', maxRequestsPerQuestion: 0 }), facts({ keys: new Set(['openai']) }));
  assert.deepEqual(unknown.unpriced, { models: ['gpt-7-turbo'], maxRequests: null });
  assert.equal(setupStatus(settings({ provider: 'openai' }), facts({ keys: new Set(['openai']) })).unpriced, undefined, 'gpt-5 and gpt-5-mini are in the table');
});
