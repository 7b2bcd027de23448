// The flags VS Code's MCP server definition passes to `rlm mcp`: the settings in force, every limit and cap, and
// what they leave to the CLI; the CLI's parser takes them all (no flag the CLI lacks).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCli } from '../../../src/cli/args';
import { limitsFrom } from '../../../src/cli/modelSetup';
import { loadPriceTable } from '../../../src/core/models/pricing';
import { mcpServerArgs, mcpServerEnv } from '../../../src/extension/integrations/mcpServerArgs';
import { priceTableFor } from '../../../src/extension/models/providerPlan';
import { limitsFrom as settingsLimits, settingValue, SETTING_DEFAULTS } from '../../../src/extension/settings';

test('the MCP server gets the limits and caps the sidebar has, and the CLI parses its flags to the same limits', () => {
  const settings = { ...SETTING_DEFAULTS, provider: 'openai-compatible' as const, baseUrl: 'http://127.0.0.1:11434/v1', rootModel: 'qwen', subModel: 'qwen-small', maxIterations: 12, maxCostPerQuestion: 0.75, maxRequestsPerQuestion: 40, excludes: ['vendor/**'], include: ['packages/api'], sensitivePaths: ['deploy/**'] };
  const args = mcpServerArgs(settings, '/work/repo');
  const parsed = parseCli(args, {});
  assert.equal(parsed.command, 'mcp');
  if (parsed.command !== 'mcp') return;
  assert.deepEqual([parsed.workspace, parsed.provider, parsed.baseUrl, parsed.model, parsed.subModel], ['/work/repo', 'openai', 'http://127.0.0.1:11434/v1', 'qwen', 'qwen-small']);
  assert.deepEqual(limitsFrom(parsed), settingsLimits(settings), 'the same limits as a sidebar question');
  assert.deepEqual([parsed.exclude, parsed.include, parsed.sensitivePaths], [['vendor/**'], ['packages/api'], ['deploy/**']]);
});

test('no caps in the settings (0) are no caps for the server either; the editor\'s models leave the provider to the CLI', () => {
  const settings = { ...SETTING_DEFAULTS, provider: 'vscode-lm' as const, maxCostPerQuestion: 0, maxRequestsPerQuestion: 0 };
  const parsed = parseCli(mcpServerArgs(settings, '/r'), {});
  if (parsed.command !== 'mcp') throw new Error('not mcp');
  assert.equal(parsed.baseUrl, undefined);
  assert.equal(parsed.maxCostUsd, undefined, 'no --max-cost: the CLI has no cost cap by default');
  assert.deepEqual({ maxCostUsd: Infinity, ...limitsFrom(parsed) }, settingsLimits(settings));
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
