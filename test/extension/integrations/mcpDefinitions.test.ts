// The flags VS Code's MCP server definition passes to `rlm mcp`: the settings in force, every limit and cap, and
// what they leave to the CLI; the CLI's parser takes them all (no flag the CLI lacks).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCli } from '../../../src/cli/args';
import { limitsFrom } from '../../../src/cli/modelSetup';
import { mcpServerArgs } from '../../../src/extension/integrations/mcpServerArgs';
import { limitsFrom as settingsLimits, SETTING_DEFAULTS } from '../../../src/extension/settings';

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
