// The rlm.* settings: what a hand-edited settings.json can hold, and the limits the engine gets from it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveLimits } from '../../src/core/loop/options';
import { limitsFrom, readSettings, settingValue, SETTING_DEFAULTS, tuningFrom, type RlmSettings } from '../../src/extension/settings';

const from = (values: Record<string, unknown>) => readSettings((name) => values[name]);

test('nothing set: the defaults, with a $2 cap per question', () => {
  const { settings, warnings } = from({});
  assert.deepEqual(settings, SETTING_DEFAULTS);
  assert.equal(settings.maxCostPerQuestion, 2);
  assert.equal(settings.provider, 'auto');
  assert.deepEqual(warnings, []);
});

test('good values are taken, trimmed; a base URL loses its trailing slash', () => {
  const { settings, warnings } = from({
    provider: 'openai-compatible', baseUrl: ' http://127.0.0.1:11434/v1/ ', rootModel: ' qwen2.5-coder ', subModel: '', maxDepth: 2, maxIterations: 12,
    maxSubCalls: 0, concurrency: 4, cellTimeout: 2.5, maxCostPerQuestion: 0, excludes: ['fixtures/', ' ', 'big/**'], validateCommand: ' npm test ',
    maxOutputTokens: 4096, subMaxOutputTokens: 0, reasoningEffort: 'low', subReasoningEffort: 'default', contextWindow: 8192, compactWith: 'sub', cacheSubCalls: false,
  });
  assert.deepEqual(warnings, []);
  assert.deepEqual(settings, {
    provider: 'openai-compatible', baseUrl: 'http://127.0.0.1:11434/v1', rootModel: 'qwen2.5-coder', subModel: '', maxDepth: 2, maxIterations: 12,
    maxSubCalls: 0, concurrency: 4, cellTimeout: 2.5, maxCostPerQuestion: 0, excludes: ['fixtures/', 'big/**'], validateCommand: 'npm test',
    maxOutputTokens: 4096, subMaxOutputTokens: 0, reasoningEffort: 'low', subReasoningEffort: 'default', contextWindow: 8192, compactWith: 'sub', cacheSubCalls: false,
  } satisfies RlmSettings);
  assert.deepEqual(tuningFrom(settings), {
    root: { maxOutputTokens: 4096, reasoningEffort: 'low', contextWindow: 8192 },
    sub: { maxOutputTokens: undefined, reasoningEffort: undefined },
  });
});

test('bad values fall back to the default, one warning each naming the setting', () => {
  const { settings, warnings } = from({
    provider: 'gpt', baseUrl: 'ftp://x', rootModel: 7, maxDepth: 1.5, maxIterations: -3, concurrency: '8', cellTimeout: Infinity,
    maxCostPerQuestion: -1, excludes: 'dist/', validateCommand: ['npm', 'test'],
    maxOutputTokens: 1.5, contextWindow: -1, reasoningEffort: 'max', compactWith: 'other', cacheSubCalls: 'yes',
  });
  assert.deepEqual(settings, SETTING_DEFAULTS);
  assert.equal(warnings.length, 15);
  assert.ok(warnings.some((w) => w === 'rlm.reasoningEffort: "max" is not one of default, minimal, low, medium, high; using "default".'));
  assert.ok(warnings.some((w) => w === 'rlm.cacheSubCalls: "yes" is not true or false; using true.'));
  assert.match(warnings[0]!, /^rlm\.baseUrl: "ftp:\/\/x" is not an http\(s\) URL/);
  assert.ok(warnings.some((w) => w === 'rlm.provider: "gpt" is not one of auto, vscode-lm, openai, anthropic, openai-compatible; using "auto".'));
  assert.ok(warnings.some((w) => w === 'rlm.maxDepth: 1.5 is not a whole number from 1 to 5; using 1.'));
  assert.ok(warnings.some((w) => /^rlm\.excludes: "dist\/" is not a list of strings/.test(w)));
});

test('limits: every one given (a setting changed back to its default applies too); cap 0 is none; seconds to ms', () => {
  const limits = limitsFrom({ ...SETTING_DEFAULTS, maxCostPerQuestion: 0, cellTimeout: 1.5 });
  assert.deepEqual(limits, { maxDepth: 1, maxIterations: 30, maxSubCalls: 1000, concurrency: 16, maxCostUsd: Infinity, sandbox: { cellTimeoutMs: 1500 } });
  assert.equal(resolveLimits(limitsFrom(SETTING_DEFAULTS)).maxCostUsd, 2, 'the engine accepts them');
});

test('a workspace cannot choose where code goes or what a question may spend; other settings it may set', () => {
  const attack = settingValue('baseUrl', { defaultValue: '', globalValue: 'http://127.0.0.1:11434/v1', workspaceValue: 'http://attacker.example/v1' }, 'http://attacker.example/v1');
  assert.equal(attack.value, 'http://127.0.0.1:11434/v1');
  assert.match(attack.ignored!, /^rlm\.baseUrl in the workspace settings \("http:\/\/attacker\.example\/v1"\) is ignored/);
  assert.deepEqual(settingValue('maxCostPerQuestion', { defaultValue: 2, workspaceFolderValue: 1000 }, 1000).value, 2);
  assert.deepEqual(settingValue('provider', { defaultValue: 'auto', globalValue: 'openai', workspaceValue: 'openai' }, 'openai'), { value: 'openai' }, 'the same value as the user\'s is no attack');
  assert.deepEqual(settingValue('maxIterations', { defaultValue: 30, workspaceValue: 5 }, 5), { value: 5 });
  assert.deepEqual(settingValue('excludes', undefined, ['x/']), { value: ['x/'] });
});
