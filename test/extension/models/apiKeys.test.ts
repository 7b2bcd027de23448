// API keys bound to a provider and the origin of the endpoint they were saved for: a key saved for one server is
// never sent to another (checked on the wire, through the real SDK against two fake servers), and keys saved the
// earlier way, per provider only, are moved to the endpoint they were in use with, or removed when that is unknown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiKeys, bindingOf, endpointOf, secretName, type SecretStore } from '../../../src/extension/models/apiKeys';
import { prepareModels, type ModelSources } from '../../../src/extension/models/modelSetup';
import { SETTING_DEFAULTS, type RlmSettings } from '../../../src/extension/settings';
import { FakeCancellationTokenSource, type FakeEditorMessage } from '../../fakes/FakeEditorModel';
import { FakeModelServer } from '../../fakes/FakeModelServer';
import { MapMemento } from '../../support/MapMemento';

class MemorySecrets implements SecretStore {
  readonly values = new Map<string, string>();
  async get(name: string) { return this.values.get(name); }
  async store(name: string, value: string) { this.values.set(name, value); }
  async delete(name: string) { this.values.delete(name); }
}


const settings = (over: Partial<RlmSettings> = {}): RlmSettings => ({ ...SETTING_DEFAULTS, ...over });

test('a key is bound to where the settings send that provider: its own API, or rlm.baseUrl when it is that provider\'s', () => {
  assert.equal(endpointOf('openai', settings()), 'https://api.openai.com/v1');
  assert.equal(endpointOf('anthropic', settings({ provider: 'openai' })), 'https://api.anthropic.com');
  assert.equal(endpointOf('openai', settings({ provider: 'openai', baseUrl: 'https://gateway.example/v1' })), 'https://gateway.example/v1');
  assert.equal(endpointOf('openai', settings({ baseUrl: 'https://gateway.example/v1' })), 'https://api.openai.com/v1', 'auto sends a base URL as an OpenAI-compatible server, not as OpenAI');
  assert.equal(endpointOf('openai-compatible', settings({ baseUrl: 'https://openrouter.ai/api/v1' })), 'https://openrouter.ai/api/v1');
  assert.equal(endpointOf('openai-compatible', settings()), undefined, 'no server named: no key can be bound');
  assert.deepEqual(bindingOf('openai-compatible', 'http://127.0.0.1:8080/v1'), { provider: 'openai-compatible', origin: 'http://127.0.0.1:8080' });
  assert.equal(secretName({ provider: 'openai', origin: 'https://api.openai.com' }), 'rlm.apiKey.openai@https://api.openai.com');
  assert.equal(bindingOf('openai-compatible', undefined), undefined);
});

test('stored per origin; listed by binding; another origin or provider gets nothing', async () => {
  const keys = new ApiKeys(new MemorySecrets(), new MapMemento());
  const router = bindingOf('openai-compatible', 'https://openrouter.ai/api/v1')!;
  await keys.store(router, 'sk-or-1');
  await keys.store(bindingOf('openai', undefined)!, 'sk-openai');
  assert.equal(await keys.get(bindingOf('openai-compatible', 'https://openrouter.ai/other/v1')!), 'sk-or-1', 'same origin, other path');
  assert.equal(await keys.get(bindingOf('openai-compatible', 'http://127.0.0.1:8080/v1')!), undefined, 'whatever answers on a local port gets nothing');
  assert.equal(await keys.get(bindingOf('openai-compatible', 'https://openrouter.ai.attacker.example/v1')!), undefined);
  assert.equal(await keys.get(bindingOf('openai', 'https://openrouter.ai/api/v1')!), undefined, 'bound to the provider too');
  assert.deepEqual(await keys.stored(), [router, { provider: 'openai', origin: 'https://api.openai.com' }]);
  await keys.delete(router);
  assert.deepEqual(await keys.stored(), [{ provider: 'openai', origin: 'https://api.openai.com' }]);
});

test('keys saved per provider are moved to the endpoint they were used with; one whose server is unknown is removed, and said so', async () => {
  const secrets = new MemorySecrets();
  await secrets.store('rlm.apiKey.openai', 'sk-openai-old');
  await secrets.store('rlm.apiKey.anthropic', 'sk-ant-old');
  await secrets.store('rlm.apiKey.openai-compatible', 'sk-gateway-old');
  const keys = new ApiKeys(secrets, new MapMemento());
  const notes = await keys.migrate(settings({ provider: 'anthropic', baseUrl: 'https://claude-gateway.example' }));
  assert.equal(await keys.get({ provider: 'openai', origin: 'https://api.openai.com' }), 'sk-openai-old');
  assert.equal(await keys.get({ provider: 'anthropic', origin: 'https://claude-gateway.example' }), 'sk-ant-old', 'the gateway it was being sent to');
  assert.equal(await keys.get({ provider: 'anthropic', origin: 'https://api.anthropic.com' }), undefined);
  assert.deepEqual([...secrets.values.keys()].filter((k) => !k.includes('@')), [], 'no key is left in the old form');
  assert.ok(![...secrets.values.values()].includes('sk-gateway-old'), 'an OpenAI-compatible key with no rlm.baseUrl went to whatever answered: removed, not guessed');
  assert.equal(notes.length, 3);
  assert.deepEqual(notes.map((n) => n.removed), [false, false, true]);
  assert.match(notes[2]!.note, /OpenAI-compatible server API key was removed: .*Set it again with "RLM: Set API Key" once rlm\.baseUrl names the server/);
  assert.deepEqual(await keys.migrate(settings()), [], 'once is enough');
});

test('on the wire: the key goes to the server it was saved for, and not to another one the settings later point at', async () => {
  const answer = (req: { headers: Record<string, string> }) => `auth: ${req.headers.authorization}`;
  const saved = await FakeModelServer.start(answer, { models: ['m'] });
  const other = await FakeModelServer.start(answer, { models: ['m'] });
  const keys = new ApiKeys(new MemorySecrets(), new MapMemento());
  await keys.store(bindingOf('openai-compatible', saved.openaiBaseUrl)!, 'sk-saved-for-one-server');
  const sources: ModelSources<FakeEditorMessage> = {
    editorModels: async () => [],
    editorApi: { message: (role, content) => ({ role, content }), cancellationSource: () => new FakeCancellationTokenSource() },
    key: async (provider, baseUrl) => {
      const binding = bindingOf(provider, baseUrl);
      return binding && keys.get(binding);
    },
    findLocalServer: async () => undefined,
  };
  try {
    for (const [server, expected] of [[saved, 'Bearer sk-saved-for-one-server'], [other, 'Bearer no-key-needed']] as const) {
      const prepared = await prepareModels(settings({ provider: 'openai-compatible', baseUrl: server.openaiBaseUrl }), sources);
      assert.equal((await prepared.models.root.complete({ messages: [{ role: 'user', content: 'q' }] })).text, `auth: ${expected}`);
      assert.ok(server.listings.every((h) => h.authorization === expected), 'the model listing too');
    }
    assert.ok(![...other.requests, ...other.listings.map((headers) => ({ headers }))].some((r) => JSON.stringify(r.headers).includes('sk-saved')), 'the other server never saw the key');
  } finally {
    await saved.close();
    await other.close();
  }
});
