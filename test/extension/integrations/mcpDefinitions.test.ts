// The MCP server VS Code is offered for a folder: none when only the editor's models would answer (a process outside
// the editor cannot use them), said once in the log; else the settings in force as `rlm mcp` flags, every limit and
// cap, the provider the sidebar would use and where its key goes; the CLI's parser takes them all (no flag it lacks).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCli } from '../../../src/cli/args';
import { limitsFrom } from '../../../src/cli/modelSetup';
import { loadPriceTable } from '../../../src/core/models/pricing';
import { McpOffers, mcpServer, mcpServerEnv, type McpServer } from '../../../src/extension/integrations/mcpServerArgs';
import type { Log } from '../../../src/extension/log';
import { priceTableFor } from '../../../src/extension/models/providerPlan';
import { limitsFrom as settingsLimits, settingValue, SETTING_DEFAULTS, type KeyedProvider } from '../../../src/extension/settings';

const noKeys = { keys: new Set<KeyedProvider>() };

function offered(server: McpServer): Extract<McpServer, { offered: true }> {
  if (!server.offered) throw new Error(`no server: ${server.why}`);
  return server;
}

test('the MCP server gets the limits and caps the sidebar has, and the CLI parses its flags to the same limits', () => {
  const settings = { ...SETTING_DEFAULTS, provider: 'openai-compatible' as const, baseUrl: 'http://127.0.0.1:11434/v1', rootModel: 'qwen', subModel: 'qwen-small', maxIterations: 12, maxCostPerQuestion: 0.75, maxRequestsPerQuestion: 40, excludes: ['vendor/**'], include: ['packages/api'], sensitivePaths: ['deploy/**'] };
  const server = offered(mcpServer(settings, noKeys, '/work/repo'));
  assert.deepEqual(server.key, { provider: 'openai-compatible', baseUrl: 'http://127.0.0.1:11434/v1', variable: 'OPENAI_API_KEY' }, 'a key saved for that server goes in at start, if any');
  const parsed = parseCli(server.args, {});
  assert.equal(parsed.command, 'mcp');
  if (parsed.command !== 'mcp') return;
  assert.deepEqual([parsed.workspace, parsed.provider, parsed.baseUrl, parsed.model, parsed.subModel], ['/work/repo', 'openai', 'http://127.0.0.1:11434/v1', 'qwen', 'qwen-small']);
  assert.deepEqual(limitsFrom(parsed), settingsLimits(settings), 'the same limits as a sidebar question');
  assert.deepEqual([parsed.exclude, parsed.include, parsed.sensitivePaths], [['vendor/**'], ['packages/api'], ['deploy/**']]);
});

test('with only the editor\'s models to answer, no server is offered, and the log says why once', () => {
  const lines: string[] = [];
  const log: Log = { debug: () => {}, info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
  const offers = new McpOffers(log);
  const folder = { uri: 'file:///work/repo', name: 'repo', path: '/work/repo' };
  // The default set-up: auto, no key, no rlm.baseUrl (the sidebar answers with Copilot's models, say).
  for (let i = 0; i < 3; i++) assert.equal(offers.decide(folder, SETTING_DEFAULTS, noKeys).offered, false);
  assert.deepEqual(lines, [
    'RLM\'s MCP server is not offered to VS Code for repo: No API key or rlm.baseUrl is set, so RLM would answer with the editor\'s language models, and only the editor can use them, not a process it starts. Set an OpenAI or Anthropic key ("RLM: Set API Key") or rlm.baseUrl (an OpenAI-compatible server such as Ollama), and VS Code is offered RLM\'s MCP server.',
  ], 'said once, not at each look');
  // vscode-lm picked on purpose: a saved key does not change that.
  const picked = offers.decide(folder, { ...SETTING_DEFAULTS, provider: 'vscode-lm' }, { keys: new Set(['openai']) });
  assert.equal(picked.offered, false);
  assert.match(lines[1] ?? '', /rlm\.provider is vscode-lm: the editor's language models answer, and only the editor can use them/);
  // A local server found on its port is only offered to the user in auto (one click pins it): not used here either.
  assert.equal(mcpServer(SETTING_DEFAULTS, { ...noKeys, localServer: { name: 'Ollama', baseUrl: 'http://127.0.0.1:11434/v1', models: ['qwen'] } }, '/r').offered, false);
  // OpenAI picked without its key: the sidebar's own reason.
  const keyless = mcpServer({ ...SETTING_DEFAULTS, provider: 'openai' }, noKeys, '/r');
  assert.match(keyless.offered ? '' : keyless.why, /^No OpenAI API key is set/);
  // A key saved later: the server is offered, and the log says so.
  assert.equal(offers.decide(folder, SETTING_DEFAULTS, { keys: new Set(['anthropic']) }).offered, true);
  assert.equal(lines.at(-1), 'RLM\'s MCP server is offered to VS Code for repo again');
  assert.equal(lines.length, 3);
});

test('a saved key is the provider the sidebar uses: its flag, its variable (filled only at start), the editor\'s own keys and endpoint removed', () => {
  const settings = { ...SETTING_DEFAULTS, maxCostPerQuestion: 0, maxRequestsPerQuestion: 0 };
  const server = offered(mcpServer(settings, { keys: new Set(['anthropic']) }, '/r'));
  assert.deepEqual(server.key, { provider: 'anthropic', variable: 'ANTHROPIC_API_KEY' });
  assert.deepEqual(server.env, { OPENAI_API_KEY: null, ANTHROPIC_API_KEY: null, RLM_API_URL: null }, 'no key in the definition; null takes the editor\'s environment\'s away');
  const parsed = parseCli(server.args, {});
  if (parsed.command !== 'mcp') throw new Error('not mcp');
  assert.deepEqual([parsed.provider, parsed.baseUrl], ['anthropic', undefined]);
  assert.equal(parsed.maxCostUsd, undefined, 'no caps in the settings (0) are no caps for the server either: no --max-cost');
  assert.deepEqual({ maxCostUsd: Infinity, ...limitsFrom(parsed) }, settingsLimits(settings));
  // OpenAI's key wins over Anthropic's in auto, as in the sidebar; a base URL wins over both.
  assert.equal(offered(mcpServer(SETTING_DEFAULTS, { keys: new Set(['openai', 'anthropic']) }, '/r')).key.variable, 'OPENAI_API_KEY');
  const gateway = offered(mcpServer({ ...SETTING_DEFAULTS, baseUrl: 'https://gw.example/v1' }, { keys: new Set(['openai']) }, '/r'));
  assert.deepEqual(gateway.key, { provider: 'openai-compatible', baseUrl: 'https://gw.example/v1', variable: 'OPENAI_API_KEY' });
  assert.deepEqual(gateway.args.slice(3, 7), ['--provider', 'openai', '--base-url', 'https://gw.example/v1']);
});

test('the server gets the user\'s rlm.prices as RLM_PRICES, so a call costs what it costs in the sidebar; a workspace\'s prices never reach it', () => {
  const yours = { 'qwen-local': { input: 0.4, output: 1.6 }, 'gpt-4.1': { input: 1, output: 3 } };
  const inspected = { defaultValue: {}, globalValue: yours, workspaceValue: { 'qwen-local': { input: 0, output: 0 } } };
  const inForce = settingValue('prices', inspected, inspected.workspaceValue, true);
  assert.deepEqual(inForce.value, yours, 'rlm.prices is read from the user settings only');
  assert.match(inForce.ignored ?? '', /rlm\.prices in the workspace settings .* is ignored/);
  const settings = { ...SETTING_DEFAULTS, prices: yours };
  const env = mcpServerEnv(settings);
  assert.deepEqual(Object.keys(env), ['RLM_PRICES']);
  const server = loadPriceTable({ env });
  const sidebar = priceTableFor(settings, { editorModels: [], keys: new Set() });
  const usage = { inputTokens: 1_000_000, outputTokens: 500_000 };
  for (const model of Object.keys(yours)) assert.equal(server.costUsd(model, usage), sidebar.costUsd(model, usage), model);
  assert.equal(server.costUsd('qwen-local', usage)?.toFixed(6), '1.200000', 'the user\'s price, not a built-in one');
  assert.deepEqual(mcpServerEnv(SETTING_DEFAULTS), {}, 'no prices set: the server keeps its own environment\'s RLM_PRICES, if any');
});

test('plain http:// to another machine is refused for the MCP server as for the sidebar, unless the user allows it', () => {
  const remote = { ...SETTING_DEFAULTS, provider: 'openai-compatible' as const, baseUrl: 'http://10.1.2.3:8080/v1', rootModel: 'qwen' };
  const refused = mcpServer(remote, { keys: new Set(['openai-compatible']) }, '/r');
  assert.equal(refused.offered, false, 'no server sends the code and a saved key in clear text');
  assert.match(refused.offered ? '' : refused.why, /plain http:\/\/ to another machine .* rlm\.allowInsecureHttp/);
  const allowed = offered(mcpServer({ ...remote, allowInsecureHttp: true }, noKeys, '/r'));
  assert.ok(allowed.args.includes('http://10.1.2.3:8080/v1'));
  assert.equal(offered(mcpServer({ ...remote, baseUrl: 'https://10.1.2.3:8080/v1' }, noKeys, '/r')).key.baseUrl, 'https://10.1.2.3:8080/v1');
});
