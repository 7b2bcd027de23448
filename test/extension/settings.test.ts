// The rlm.* settings: what a hand-edited settings.json can hold, and the limits the engine gets from it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveLimits } from '../../src/core/loop/options';
import { limitsFrom, readSettings, RESTRICTED_SETTINGS, settingValue, SETTING_DEFAULTS, tuningFrom, type InspectedSetting, type RlmSettings } from '../../src/extension/settings';

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
    maxSubCalls: 0, concurrency: 4, cellTimeout: 2.5, maxCostPerQuestion: 0, maxRequestsPerQuestion: 50, excludes: ['fixtures/', ' ', 'big/**'], include: [' packages/api', 'services/*'], validateCommand: ' npm test ',
    allowInsecureHttp: true, prices: { 'qwen2.5-coder': { input: 0.1, output: 0.2, contextWindow: 32768 } },
    maxOutputTokens: 4096, subMaxOutputTokens: 0, reasoningEffort: 'low', subReasoningEffort: 'default', contextWindow: 8192, subContextWindow: 4096, compactWith: 'sub', cacheSubCalls: false,
  });
  assert.deepEqual(warnings, []);
  assert.deepEqual(settings, {
    provider: 'openai-compatible', baseUrl: 'http://127.0.0.1:11434/v1', rootModel: 'qwen2.5-coder', subModel: '', maxDepth: 2, maxIterations: 12,
    maxSubCalls: 0, concurrency: 4, cellTimeout: 2.5, maxCostPerQuestion: 0, maxRequestsPerQuestion: 50, excludes: ['fixtures/', 'big/**'], include: ['packages/api', 'services/*'], validateCommand: 'npm test', sensitivePaths: [],
    allowInsecureHttp: true, prices: { 'qwen2.5-coder': { input: 0.1, output: 0.2, contextWindow: 32768 } },
    maxOutputTokens: 4096, subMaxOutputTokens: 0, reasoningEffort: 'low', subReasoningEffort: 'default', contextWindow: 8192, subContextWindow: 4096, compactWith: 'sub', cacheSubCalls: false,
  } satisfies RlmSettings);
  assert.deepEqual(tuningFrom(settings), {
    root: { maxOutputTokens: 4096, reasoningEffort: 'low', contextWindow: 8192 },
    sub: { maxOutputTokens: undefined, reasoningEffort: undefined, contextWindow: 4096 },
  });
  assert.equal(tuningFrom(SETTING_DEFAULTS).sub.contextWindow, undefined, "0: the model's own window (the root's when it is the same model)");
});

test('bad values fall back to the default, one warning each naming the setting', () => {
  const { settings, warnings } = from({
    provider: 'gpt', baseUrl: 'ftp://x', rootModel: 7, maxDepth: 1.5, maxIterations: -3, concurrency: '8', cellTimeout: Infinity,
    maxCostPerQuestion: -1, maxRequestsPerQuestion: 2.5, excludes: 'dist/', include: ['../outside'], validateCommand: ['npm', 'test'], allowInsecureHttp: 'yes', prices: { 'm': { input: 'cheap' } },
    maxOutputTokens: 1.5, contextWindow: -1, subContextWindow: 0.5, reasoningEffort: 'max', compactWith: 'other', cacheSubCalls: 'yes',
  });
  assert.deepEqual(settings, SETTING_DEFAULTS);
  assert.equal(warnings.length, 20);
  assert.ok(warnings.some((w) => /^rlm\.include: \["\.\.\/outside"\] is not usable \("\.\.\/outside" is not a folder inside the workspace; name folders such as 'packages\/api' or 'services\/\*'\); using \[\]\.$/.test(w)), warnings.join('\n'));
  assert.ok(warnings.some((w) => /^Prices in rlm\.prices: "m" needs "input" and "output".* Using none\.$/.test(w)));
  assert.ok(warnings.some((w) => w === 'rlm.reasoningEffort: "max" is not one of default, minimal, low, medium, high; using "default".'));
  assert.ok(warnings.some((w) => w === 'rlm.cacheSubCalls: "yes" is not true or false; using true.'));
  assert.match(warnings[0]!, /^rlm\.baseUrl: "ftp:\/\/x" is not an http\(s\) URL/);
  assert.ok(warnings.some((w) => w === 'rlm.provider: "gpt" is not one of auto, vscode-lm, openai, anthropic, openai-compatible; using "auto".'));
  assert.ok(warnings.some((w) => w === 'rlm.maxDepth: 1.5 is not a whole number from 1 to 5; using 1.'));
  assert.ok(warnings.some((w) => /^rlm\.excludes: "dist\/" is not a list of strings/.test(w)));
});

test('limits: every one given (a setting changed back to its default applies too); cap 0 is none; seconds to ms', () => {
  const limits = limitsFrom({ ...SETTING_DEFAULTS, maxCostPerQuestion: 0, cellTimeout: 1.5 });
  assert.deepEqual(limits, { maxDepth: 1, maxIterations: 30, maxSubCalls: 1000, concurrency: 16, maxCostUsd: Infinity, maxRequests: 300, sandbox: { cellTimeoutMs: 1500 } });
  assert.equal(resolveLimits(limitsFrom(SETTING_DEFAULTS)).maxCostUsd, 2, 'the engine accepts them');
  assert.equal(resolveLimits(limitsFrom({ ...SETTING_DEFAULTS, maxRequestsPerQuestion: 0 })).maxRequests, Infinity, 'a request cap of 0 is none');
});

// What the editor's inspect() answers for a setting set in some of the places.
const at = (values: { user?: unknown; workspace?: unknown; folder?: unknown }, name: keyof RlmSettings): InspectedSetting => ({
  defaultValue: SETTING_DEFAULTS[name], globalValue: values.user, workspaceValue: values.workspace, workspaceFolderValue: values.folder,
});
/** The value in force and its source, as settingValue gives them (the editor's resolution is folder > workspace > user). */
const value = (name: keyof RlmSettings, values: { user?: unknown; workspace?: unknown; folder?: unknown }, trusted: boolean) => {
  const { value: v, source } = settingValue(name, at(values, name), values.folder ?? values.workspace ?? values.user ?? SETTING_DEFAULTS[name], trusted);
  return [v, source];
};

test('a workspace never chooses where code goes, trusted or not; the note says what was ignored', () => {
  for (const trusted of [true, false]) {
    const attack = settingValue('baseUrl', at({ user: 'http://127.0.0.1:11434/v1', workspace: 'http://attacker.example/v1' }, 'baseUrl'), 'http://attacker.example/v1', trusted);
    assert.equal(attack.value, 'http://127.0.0.1:11434/v1');
    assert.equal(attack.source, 'user');
    assert.match(attack.ignored!, /^rlm\.baseUrl in the workspace settings \("http:\/\/attacker\.example\/v1"\) is ignored: where code goes/);
    assert.deepEqual(value('provider', { folder: 'openai-compatible' }, trusted), ['auto', 'default']);
    assert.deepEqual(value('allowInsecureHttp', { workspace: true }, trusted), [false, 'default']);
    assert.deepEqual(value('prices', { workspace: { 'gpt-5': { input: 0, output: 0 } } }, trusted), [{}, 'default'], 'a workspace cannot make a model look free');
  }
  assert.deepEqual(settingValue('provider', at({ user: 'openai', workspace: 'openai' }, 'provider'), 'openai', true), { value: 'openai', source: 'user' }, "the same value as the user's is no attack");
});

test('trusted: a workspace may lower a limit, never raise it above the user\'s or the default', () => {
  // Lower than the default or the user's value: taken, from where it was set.
  assert.deepEqual(value('maxIterations', { workspace: 5 }, true), [5, 'workspace']);
  assert.deepEqual(value('maxSubCalls', { user: 200, folder: 0 }, true), [0, 'folder'], 'no sub-calls at all is lower');
  assert.deepEqual(value('cellTimeout', { user: 30, workspace: 10.5 }, true), [10.5, 'workspace']);
  assert.deepEqual(value('maxCostPerQuestion', { workspace: 0.5 }, true), [0.5, 'workspace']);
  assert.deepEqual(value('maxRequestsPerQuestion', { user: 0, workspace: 40 }, true), [40, 'workspace'], 'a cap is lower than no cap');
  // Higher: the user's value or the default stands, with a note.
  assert.deepEqual(value('maxIterations', { workspace: 1000 }, true), [30, 'default']);
  assert.deepEqual(value('maxSubCalls', { user: 50, workspace: 100_000 }, true), [50, 'user']);
  assert.deepEqual(value('concurrency', { workspace: 256 }, true), [16, 'default']);
  assert.deepEqual(value('maxDepth', { user: 2, folder: 5 }, true), [2, 'user']);
  assert.deepEqual(value('maxCostPerQuestion', { workspace: 0 }, true), [2, 'default'], '0 is no cap: higher than any');
  assert.deepEqual(value('maxRequestsPerQuestion', { workspace: 0 }, true), [300, 'default']);
  assert.deepEqual(value('maxRequestsPerQuestion', { user: 1000, workspace: 100_000 }, true), [1000, 'user']);
  const raised = settingValue('maxSubCalls', at({ user: 50, workspace: 100_000 }, 'maxSubCalls'), 100_000, true);
  assert.equal(raised.ignored, 'rlm.maxSubCalls in the workspace settings (100000) is ignored: a workspace may lower this limit, never raise it above yours (50).');
  // A value that is not a valid limit cannot lower anything: it would fall back to the default, which may be higher.
  assert.deepEqual(value('maxIterations', { user: 10, workspace: -3 }, true), [10, 'user']);
  assert.deepEqual(value('maxIterations', { user: 10, workspace: '5' }, true), [10, 'user']);
  assert.deepEqual(value('maxDepth', { workspace: 0 }, true), [1, 'default']);
  // A user value that is itself invalid counts as the default.
  assert.deepEqual(value('maxIterations', { user: 'many', workspace: 20 }, true), [20, 'workspace']);
});

test('trusted: models and the validation command may come from the workspace, and say so', () => {
  assert.deepEqual(value('rootModel', { user: 'gpt-5', workspace: 'gpt-5-pro' }, true), ['gpt-5-pro', 'workspace']);
  assert.deepEqual(value('subModel', { folder: 'o3' }, true), ['o3', 'folder']);
  assert.deepEqual(value('validateCommand', { user: 'npm test', workspace: 'make check' }, true), ['make check', 'workspace']);
  assert.deepEqual(value('validateCommand', { user: 'npm test' }, true), ['npm test', 'user']);
  assert.deepEqual(value('validateCommand', {}, true), ['', 'default']);
});

test('Restricted Mode: models, limits, endpoints and commands from the user settings only; no validation command runs', () => {
  assert.deepEqual(value('rootModel', { user: 'gpt-5', workspace: 'gpt-5-pro' }, false), ['gpt-5', 'user']);
  assert.deepEqual(value('subModel', { folder: 'o3' }, false), ['', 'default']);
  assert.deepEqual(value('maxIterations', { workspace: 5 }, false), [30, 'default'], 'not even lowered: nothing of the workspace is read');
  assert.deepEqual(value('maxRequestsPerQuestion', { user: 100, workspace: 100_000 }, false), [100, 'user']);
  const model = settingValue('rootModel', at({ workspace: 'gpt-5-pro' }, 'rootModel'), 'gpt-5-pro', false);
  assert.match(model.ignored!, /not trusted \(Restricted Mode\), so models, limits and commands come from your user settings only/);
  for (const values of [{ user: 'npm test' }, { workspace: 'touch pwned' }, { user: 'npm test', folder: 'touch pwned' }]) {
    const command = settingValue('validateCommand', at(values, 'validateCommand'), 'x', false);
    assert.deepEqual([command.value, command.source], ['', 'default']);
    assert.match(command.ignored!, /does not run in Restricted Mode: trust this folder to run it/);
  }
  assert.equal(settingValue('validateCommand', at({}, 'validateCommand'), '', false).ignored, undefined, 'nothing set, nothing to say');
});

test('what a question spends: reply caps and the window only lowered below a number the user set; thinking from the user only', () => {
  // A trusted workspace may lower a cap the user set, never raise it, and never set one where the user left the model's
  // own (0): Anthropic's default reply cap is smaller than what a model may be asked for, so any number could raise it.
  assert.deepEqual(value('maxOutputTokens', { user: 8000, workspace: 4000 }, true), [4000, 'workspace']);
  assert.deepEqual(value('maxOutputTokens', { user: 8000, workspace: 64_000 }, true), [8000, 'user']);
  assert.deepEqual(value('maxOutputTokens', { workspace: 64_000 }, true), [0, 'default']);
  assert.deepEqual(value('maxOutputTokens', { user: 8000, workspace: 0 }, true), [8000, 'user'], "0 is the model's own: not lower");
  assert.deepEqual(value('subMaxOutputTokens', { user: 2000, folder: 500 }, true), [500, 'folder']);
  assert.deepEqual(value('subMaxOutputTokens', { folder: 500 }, true), [0, 'default']);
  assert.deepEqual(value('contextWindow', { user: 32_768, workspace: 8192 }, true), [8192, 'workspace'], 'a smaller window: smaller requests');
  assert.deepEqual(value('contextWindow', { workspace: 1_000_000 }, true), [0, 'default'], 'a window the model may not have would send bigger requests');
  assert.deepEqual(value('contextWindow', { user: 32_768, workspace: 200_000 }, true), [32_768, 'user']);
  const unset = settingValue('contextWindow', at({ workspace: 1_000_000 }, 'contextWindow'), 1_000_000, true);
  assert.equal(unset.ignored, "rlm.contextWindow in the workspace settings (1000000) is ignored: a workspace may lower a number you set, and you set none (0: the model's own).");
  assert.deepEqual(value('subContextWindow', { user: 32_768, folder: 8192 }, true), [8192, 'folder'], 'the same for the window child runs work to');
  assert.deepEqual(value('subContextWindow', { workspace: 1_000_000 }, true), [0, 'default']);
  // Thinking is billed as output, and no order of efforts holds for every provider: the user's only, trusted or not.
  for (const trusted of [true, false]) {
    assert.deepEqual(value('reasoningEffort', { workspace: 'high' }, trusted), ['default', 'default']);
    assert.deepEqual(value('subReasoningEffort', { user: 'low', folder: 'minimal' }, trusted), ['low', 'user']);
  }
  // In Restricted Mode not even a lower cap is read.
  assert.deepEqual(value('maxOutputTokens', { user: 8000, workspace: 4000 }, false), [8000, 'user']);
  assert.deepEqual(value('contextWindow', { user: 32_768, workspace: 8192 }, false), [32_768, 'user']);
  assert.deepEqual(value('subContextWindow', { user: 32_768, workspace: 8192 }, false), [32_768, 'user']);
});

test('compactWith picks the model that summarises: a trusted workspace may choose it, Restricted Mode may not', () => {
  assert.deepEqual(value('compactWith', { workspace: 'sub' }, true), ['sub', 'workspace']);
  assert.deepEqual(value('compactWith', { user: 'sub', folder: 'root' }, true), ['root', 'folder']);
  assert.deepEqual(value('compactWith', { workspace: 'sub' }, false), ['root', 'default']);
});

test('the sub-call cache: a trusted workspace may turn it off, never on against the user; Restricted Mode reads the user only', () => {
  assert.deepEqual(value('cacheSubCalls', { workspace: false }, true), [false, 'workspace']);
  assert.deepEqual(value('cacheSubCalls', { user: false, workspace: true }, true), [false, 'user'], 'the user said no answers kept on disk');
  const on = settingValue('cacheSubCalls', at({ user: false, folder: true }, 'cacheSubCalls'), true, true);
  assert.equal(on.ignored, 'rlm.cacheSubCalls in the folder settings (true) is ignored: a workspace may turn it off, never on against your settings.');
  assert.deepEqual(value('cacheSubCalls', { workspace: 'no' }, true), [true, 'default'], 'only false turns it off');
  assert.deepEqual(value('cacheSubCalls', { workspace: false }, false), [true, 'default']);
});

test('excludes and include only narrow what is read: the editor\'s value wherever it was set, trusted or not', () => {
  assert.deepEqual(settingValue('excludes', at({ workspace: ['big/'] }, 'excludes'), ['big/'], false), { value: ['big/'], source: 'workspace' });
  assert.deepEqual(settingValue('excludes', undefined, ['x/'], true), { value: ['x/'], source: 'default' });
  assert.ok(!RESTRICTED_SETTINGS.includes('excludes'));
  assert.deepEqual(settingValue('include', at({ folder: ['packages/api'] }, 'include'), ['packages/api'], false), { value: ['packages/api'], source: 'folder' });
  assert.ok(!RESTRICTED_SETTINGS.includes('include'));
});

test('every setting but excludes, include and sensitivePaths (they only narrow what is read or applied) is restricted: a new setting must choose its policy', () => {
  assert.deepEqual([...RESTRICTED_SETTINGS].sort(), Object.keys(SETTING_DEFAULTS).filter((k) => k !== 'excludes' && k !== 'include' && k !== 'sensitivePaths').sort());
});

test('rlm.sensitivePaths: every layer adds to it, so a workspace can add patterns but never drop the user\'s', () => {
  const inspected = { defaultValue: [], globalValue: ['deploy/**', '*.tf'], workspaceValue: [], workspaceFolderValue: ['secrets/', '*.tf'] };
  for (const trusted of [true, false]) {
    assert.deepEqual(settingValue('sensitivePaths', inspected, ['secrets/', '*.tf'], trusted), { value: ['deploy/**', '*.tf', 'secrets/'], source: 'folder' });
  }
  assert.deepEqual(settingValue('sensitivePaths', { defaultValue: [], workspaceValue: 'nope' }, 'nope', true), { value: 'nope', source: 'workspace' }, 'a bad layer is left for readSettings to warn about');
  const { settings, warnings } = from({ sensitivePaths: [' deploy/** ', ''] });
  assert.deepEqual([settings.sensitivePaths, warnings], [['deploy/**'], []]);
  assert.match(from({ sensitivePaths: 'deploy/' }).warnings[0]!, /^rlm\.sensitivePaths: "deploy\/" is not a list of strings; using \[\]\.$/);
});
