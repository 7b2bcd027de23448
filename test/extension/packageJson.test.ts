// package.json declares what the code uses, once: settings with the defaults and bounds of settings.ts, every
// command of commandIds.ts (in the "RLM" category) and nothing else, views and editors by the ids the code registers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { askInputJsonSchema } from '../../src/core/integrations/askInput';
import { CHAT_PARTICIPANT, COMMANDS, LM_TOOLS, MCP_PROVIDER_ID, RUNNING_CONTEXT_KEY, VIEWS, WALKTHROUGH } from '../../src/extension/commandIds';
import { LOWER_ONLY_SETTINGS, NUMBER_BOUNDS, OFF_ONLY_SETTINGS, PROVIDER_SETTINGS, RESTRICTED_SETTINGS, SETTING_DEFAULTS, TRUSTED_WORKSPACE_SETTINGS, USER_ONLY_SETTINGS } from '../../src/extension/settings';

const ROOT = join(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const nls = JSON.parse(readFileSync(join(ROOT, 'package.nls.json'), 'utf8')) as Record<string, string>;
const NLS_KEY = /^%([^%\s]+)%$/;
/** Every `%key%` string of the manifest, each place it is used. */
const nlsUses: string[] = [];
/** The manifest as VS Code shows it in English: each `%key%` replaced by its text in package.nls.json. */
const resolve = (value: unknown): unknown => {
  if (typeof value === 'string') {
    const key = NLS_KEY.exec(value)?.[1];
    if (key === undefined) return value;
    nlsUses.push(key);
    return nls[key] ?? value;
  }
  if (Array.isArray(value)) return value.map(resolve);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]));
  return value;
};
const pkg = resolve(manifest) as typeof manifest;
const contributes = pkg.contributes;

test('every rlm.* setting has the default and bounds the code uses, and no setting is left out or extra', () => {
  const properties = contributes.configuration.properties as Record<string, { default: unknown; minimum?: number; maximum?: number; type: string; enum?: string[] }>;
  assert.deepEqual(Object.keys(properties).sort(), Object.keys(SETTING_DEFAULTS).map((k) => `rlm.${k}`).sort());
  for (const [name, value] of Object.entries(SETTING_DEFAULTS)) assert.deepEqual(properties[`rlm.${name}`]!.default, value, name);
  for (const [name, bounds] of Object.entries(NUMBER_BOUNDS)) {
    const p = properties[`rlm.${name}`]!;
    assert.equal(p.minimum, bounds.minimum, name);
    assert.equal(p.maximum, bounds.maximum, name);
    assert.equal(p.type, bounds.integer ? 'integer' : 'number', name);
  }
  assert.deepEqual(properties['rlm.provider']!.enum, [...PROVIDER_SETTINGS]);
  assert.ok(!Object.keys(properties).some((k) => /key/i.test(k)), 'no API key setting: keys live in SecretStorage');
});

test('the user-only settings say so, and keep the default scope (user settings must reach a remote extension host)', () => {
  const properties = contributes.configuration.properties;
  for (const name of USER_ONLY_SETTINGS) {
    assert.match(properties[`rlm.${name}`].markdownDescription, /user settings only/, name);
    assert.equal(properties[`rlm.${name}`].scope, undefined, name);
  }
});

test('Restricted Mode and virtual workspaces are supported in part, and the restricted settings are the ones the code restricts', () => {
  const { untrustedWorkspaces, virtualWorkspaces } = pkg.capabilities;
  assert.equal(untrustedWorkspaces.supported, 'limited');
  assert.deepEqual(untrustedWorkspaces.restrictedConfigurations, RESTRICTED_SETTINGS.map((n) => `rlm.${n}`));
  assert.match(untrustedWorkspaces.description, /runs no command/);
  assert.equal(virtualWorkspaces.supported, 'limited');
  assert.match(virtualWorkspaces.description, /files on this machine/);
  const properties = contributes.configuration.properties;
  for (const name of LOWER_ONLY_SETTINGS) assert.match(properties[`rlm.${name}`].markdownDescription, /may lower it, never raise it/, name);
  for (const name of TRUSTED_WORKSPACE_SETTINGS) assert.match(properties[`rlm.${name}`].markdownDescription, /only once you trust the workspace/, name);
  for (const name of OFF_ONLY_SETTINGS) assert.match(properties[`rlm.${name}`].markdownDescription, /may turn it off, never on/, name);
});

test('commands: each id of the code declared once, in the RLM category; menus name only declared commands', () => {
  const declared = (contributes.commands as Array<{ command: string; category: string; title: string }>);
  assert.deepEqual(declared.map((c) => c.command).sort(), Object.values(COMMANDS).sort());
  for (const c of declared) assert.equal(c.category, 'RLM', c.command);
  const stop = declared.find((c) => c.command === COMMANDS.stop) as { enablement?: string };
  assert.equal(stop.enablement, RUNNING_CONTEXT_KEY);
  const menuCommands = Object.values(contributes.menus as Record<string, Array<{ command: string }>>).flat().map((m) => m.command);
  for (const command of menuCommands) assert.ok(declared.some((c) => c.command === command), command);
  assert.ok(contributes.menus['editor/context'].some((m: { command: string }) => m.command === COMMANDS.askAboutSelection));
});

test('views, the trace editors and their activation', () => {
  assert.deepEqual(contributes.views[VIEWS.container].map((v: { id: string; type: string }) => [v.id, v.type]), [[VIEWS.chat, 'webview'], [VIEWS.trajectory, 'webview']]);
  const editors = contributes.customEditors as Array<{ viewType: string; selector: Array<{ filenamePattern: string }>; priority: string }>;
  assert.deepEqual(editors.map((e) => [e.viewType, e.selector[0]!.filenamePattern, e.priority]), [
    [VIEWS.traceEditor, '*.rlm.jsonl', 'default'],
    [VIEWS.traceEditorAnyJsonl, '*.jsonl', 'option'],
  ]);
  for (const id of [VIEWS.chat, VIEWS.trajectory]) assert.ok(pkg.activationEvents.includes(`onView:${id}`));
  for (const e of editors) assert.ok(pkg.activationEvents.includes(`onCustomEditor:${e.viewType}`));
  assert.equal(pkg.main, './dist/extension.js');
  assert.ok(pkg.publisher, 'vsce needs a publisher');
});

test('@rlm and the agent-mode tools: declared as the code registers them, the tools\' input schema the one every entry point checks', () => {
  const [participant, ...others] = contributes.chatParticipants as Array<{ id: string; name: string; commands: Array<{ name: string }> }>;
  assert.equal(others.length, 0);
  assert.equal(participant!.id, CHAT_PARTICIPANT.id);
  assert.equal(participant!.name, CHAT_PARTICIPANT.name);
  assert.deepEqual(participant!.commands.map((c) => c.name), Object.values(CHAT_PARTICIPANT.commands));
  const tools = contributes.languageModelTools as Array<{ name: string; toolReferenceName: string; inputSchema: unknown; modelDescription: string }>;
  assert.deepEqual(tools.map((t) => t.name), Object.values(LM_TOOLS));
  assert.equal(tools[0]!.toolReferenceName, 'rlm', '#rlm in a prompt');
  for (const t of tools) {
    assert.deepEqual(t.inputSchema, askInputJsonSchema(), t.name);
    assert.ok(t.modelDescription.length > 100, t.name);
  }
  assert.match(tools[1]!.modelDescription, /Nothing is written/);
  assert.deepEqual(contributes.mcpServerDefinitionProviders.map((p: { id: string }) => p.id), [MCP_PROVIDER_ID]);
  assert.deepEqual(pkg.bin, { rlm: 'dist/cli.js', 'rlm-code': 'dist/cli.js' }, 'npx rlm-code, and rlm once installed');
});

test('every string a user reads in package.json comes from package.nls.json; every key there is used, none is missing', () => {
  const c = manifest.contributes;
  const shown: Array<[string, unknown]> = [
    ['displayName', manifest.displayName], ['description', manifest.description],
    ['untrustedWorkspaces', manifest.capabilities.untrustedWorkspaces.description], ['virtualWorkspaces', manifest.capabilities.virtualWorkspaces.description],
    ...c.commands.map((x: { command: string; title: string }) => [x.command, x.title]),
    ...c.views.rlm.map((x: { id: string; name: string }) => [x.id, x.name]),
    ...c.customEditors.map((x: { viewType: string; displayName: string }) => [x.viewType, x.displayName]),
    ...c.chatParticipants.flatMap((x: { description: string; commands: Array<{ name: string; description: string }> }) => [['@rlm', x.description], ...x.commands.map((y) => [y.name, y.description])]),
    ...c.languageModelTools.flatMap((x: { name: string; displayName: string; userDescription: string }) => [[x.name, x.displayName], [x.name, x.userDescription]]),
    ...c.walkthroughs.flatMap((w: { title: string; description: string; steps: Array<{ id: string; title: string; description: string }> }) => [['walkthrough', w.title], ['walkthrough', w.description], ...w.steps.flatMap((step) => [[step.id, step.title], [step.id, step.description]])]),
    ...Object.entries(c.configuration.properties as Record<string, { markdownDescription: string; enumDescriptions?: string[] }>)
      .flatMap(([name, p]) => [[name, p.markdownDescription], ...(p.enumDescriptions ?? []).map((d) => [name, d])]),
  ];
  for (const [where, text] of shown) assert.match(String(text), NLS_KEY, `${where}: ${String(text).slice(0, 60)}`);
  const used = new Set(nlsUses);
  assert.deepEqual(Object.keys(nls).filter((k) => !used.has(k)), [], 'keys nothing uses');
  assert.deepEqual([...used].filter((k) => typeof nls[k] !== 'string'), [], 'keys with no text');
  // What the models read stays as the code has it: the tools' modelDescription and input schema (shared with MCP).
  for (const tool of c.languageModelTools) assert.doesNotMatch(tool.modelDescription, NLS_KEY);
});

test('keybindings: focus the chat and ask about the selection, on chords VS Code leaves free, each once', () => {
  const bindings = contributes.keybindings as Array<{ command: string; key: string; mac: string; when?: string }>;
  assert.deepEqual(bindings.map((b) => [b.command, b.key, b.mac]), [
    [COMMANDS.focusChat, 'ctrl+alt+j', 'ctrl+cmd+j'],
    [COMMANDS.askAboutSelection, 'ctrl+shift+alt+j', 'ctrl+shift+cmd+j'],
  ]);
  // Asking about a selection needs one in a file of the workspace, as the context menu's item does.
  assert.match(bindings[1]!.when ?? '', /editorHasSelection && resourceScheme == file/);
  assert.equal(bindings[0]!.when, undefined, 'the chat opens from anywhere');
});

test('the Get Started walkthrough: pick a model, ask, review a refactor; each step completes on what the code sets', () => {
  const [walkthrough, ...others] = contributes.walkthroughs as Array<{ id: string; steps: Array<{ id: string; description: string; media: { markdown: string }; completionEvents: string[] }> }>;
  assert.equal(others.length, 0);
  assert.equal(walkthrough!.id, WALKTHROUGH.id);
  assert.deepEqual(walkthrough!.steps.map((s) => [s.id, s.completionEvents[0]]), [
    ['pickModel', `onContext:${WALKTHROUGH.ready}`],
    ['ask', `onContext:${WALKTHROUGH.answered}`],
    ['reviewRefactor', `onContext:${WALKTHROUGH.reviewed}`],
  ]);
  const commandIds = new Set<string>(Object.values(COMMANDS));
  for (const step of walkthrough!.steps) {
    assert.ok(existsSync(join(__dirname, '..', '..', step.media.markdown)), step.media.markdown);
    for (const event of step.completionEvents.filter((e) => e.startsWith('onCommand:'))) assert.ok(commandIds.has(event.slice('onCommand:'.length)), event);
    for (const [, command] of step.description.matchAll(/\(command:([\w.]+)\)/g)) assert.ok(commandIds.has(command!), command);
  }
});
