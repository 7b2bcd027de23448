// The "RLM" commands: ask, ask about selection, new chat, stop, stop indexing, open trajectory, set and clear an API key,
// select provider and model, show the log (and the history, the local-server offer, a fresh look at the
// set-up). Each takes optional arguments so a test or another extension can drive it without the UI. What they
// choose goes to the user's settings, never a workspace's file, and a key to the endpoint it is for.

import { relative, sep } from 'node:path';
import * as vscode from 'vscode';
import { isInsecureRemoteUrl } from '../core/models/endpoints';
import { probeLocalServer } from '../core/models/localServers';
import { BUILT_IN_PRICES } from '../core/models/pricing';
import { DEFAULT_MODELS } from '../core/models/modelPair';
import type { ChatService } from './chats/ChatService';
import { historyCommands, type HistoryDeps } from './historyCommands';
import { COMMANDS, VIEWS } from './commandIds';
import type { Log } from './log';
import { bindingOf, describeBinding, endpointOf } from './models/apiKeys';
import type { SetupService } from './SetupService';
import { isHttpUrl, isKeyedProvider, KEYED_PROVIDERS, PROVIDER_SETTINGS, providerLabel, TRUSTED_WORKSPACE_SETTINGS, type KeyedProvider, type ProviderSetting, type RlmSettings } from './settings';
import type { ChatView } from './views/ChatView';
import { WorkspaceRoots } from './workspace/WorkspaceRoots';

export interface CommandDeps extends HistoryDeps {
  chats: ChatService;
  setup: SetupService;
  chatView: ChatView;
  log: vscode.LogOutputChannel;
  redactedLog: Log;
  tracesDir: string;
  /** Stops the first indexing of every folder being indexed. */
  stopIndexing: () => void;
}

export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
  const { chats, setup, chatView } = deps;
  const register = (id: string, run: (...args: any[]) => unknown) => vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    try {
      return await run(...args);
    } catch (err) {
      deps.redactedLog.error(`${id} failed: ${(err as Error).message}`);
      void vscode.window.showErrorMessage(vscode.l10n.t('RLM: {0}', (err as Error).message));
      return undefined;
    }
  });
  return [
    register(COMMANDS.ask, async (question?: unknown) => {
      const text = typeof question === 'string' && question.trim() ? question : await vscode.window.showInputBox({
        title: vscode.l10n.t('RLM: Ask'),
        prompt: vscode.l10n.t('A question about the whole workspace'),
        placeHolder: vscode.l10n.t('Where are HTTP retries handled, and how is the delay chosen?'),
        ignoreFocusOut: true,
      });
      if (!text?.trim()) return undefined;
      await chatView.reveal();
      return chats.ask(text);
    }),
    register(COMMANDS.askAboutSelection, async (question?: unknown) => {
      const editor = vscode.window.activeTextEditor;
      const folder = editor && vscode.workspace.getWorkspaceFolder(editor.document.uri);
      if (!editor || !folder) {
        void vscode.window.showInformationMessage(vscode.l10n.t('RLM: select some code in a file of the workspace first.'));
        return undefined;
      }
      const { start, end } = editor.selection;
      // A selection that ends at the start of a line does not include that line.
      const endLine = end.line > start.line && end.character === 0 ? end.line : end.line + 1;
      const focus = { path: relative(folder.uri.fsPath, editor.document.uri.fsPath).split(sep).join('/'), startLine: start.line + 1, endLine };
      const where = focus.startLine === focus.endLine ? `${focus.path}:${focus.startLine}` : `${focus.path}:${focus.startLine}-${focus.endLine}`;
      const text = typeof question === 'string' && question.trim() ? question : await vscode.window.showInputBox({
        title: vscode.l10n.t('RLM: Ask about {0}', where),
        prompt: vscode.l10n.t('A question about {0} (the whole workspace is still there to look at)', where),
        placeHolder: vscode.l10n.t('Who calls this, and what happens when it fails?'),
        ignoreFocusOut: true,
      });
      if (!text?.trim()) return undefined;
      await chatView.reveal();
      return chats.ask(text, { focus, folder: WorkspaceRoots.refOf(folder) });
    }),
    register(COMMANDS.focusChat, () => chatView.focusQuestion()),
    register(COMMANDS.newChat, async () => {
      chats.newChat();
      await chatView.reveal();
    }),
    register(COMMANDS.stop, () => chats.stop()),
    register(COMMANDS.stopIndexing, () => deps.stopIndexing()),
    register(COMMANDS.openTrajectory, async (target?: unknown) => {
      const uri = target instanceof vscode.Uri ? target : (await vscode.window.showOpenDialog({
        title: vscode.l10n.t('RLM: Open Trajectory'),
        canSelectMany: false,
        filters: { 'RLM traces': ['jsonl'] },
        openLabel: vscode.l10n.t('Open Trajectory'),
        defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
      }))?.[0];
      if (!uri) return undefined;
      return vscode.commands.executeCommand('vscode.openWith', uri, VIEWS.traceEditor);
    }),
    register(COMMANDS.setApiKey, async (provider?: unknown) => {
      const settings = setup.settings();
      const chosen = isKeyedProvider(provider) ? provider : await pickKeyedProvider(vscode.l10n.t('Which provider is the key for?'), settings.provider);
      if (!chosen) return undefined;
      // The key belongs to the endpoint the settings send this provider's requests to, and goes nowhere else.
      const binding = bindingOf(chosen, endpointOf(chosen, settings) ?? (chosen === 'openai-compatible' ? setup.lastLocalServer?.baseUrl : undefined));
      if (!binding) {
        void vscode.window.showWarningMessage(vscode.l10n.t('RLM: a key for an OpenAI-compatible server is kept for that server\'s address only, and rlm.baseUrl names none yet: choose the server with "RLM: Select Provider and Model", then set its key.'));
        return undefined;
      }
      const key = await vscode.window.showInputBox({
        title: vscode.l10n.t('RLM: Set API Key for {0}', describeBinding(binding)),
        prompt: vscode.l10n.t("Kept in the editor's secret storage and sent only to {0}: never in settings, traces or the log.", binding.origin),
        password: true,
        ignoreFocusOut: true,
        validateInput: (value) => (value.trim() === '' ? vscode.l10n.t('Paste the key.') : /\s/.test(value.trim()) ? vscode.l10n.t('A key has no spaces in it.') : undefined),
      });
      if (!key?.trim()) return undefined;
      await setup.storeKey(binding, key.trim());
      deps.redactedLog.info(`API key for ${chosen} saved in the secret storage, for ${binding.origin}`);
      void vscode.window.showInformationMessage(vscode.l10n.t('RLM: the {0} key is saved, for {1} only.', providerLabel(chosen), binding.origin));
      await setup.refresh();
      return undefined;
    }),
    register(COMMANDS.clearApiKey, async (provider?: unknown) => {
      const stored = (await setup.storedKeys()).filter((b) => !isKeyedProvider(provider) || b.provider === provider);
      if (stored.length === 0) {
        void vscode.window.showInformationMessage(vscode.l10n.t('RLM: no API keys are stored.'));
        return undefined;
      }
      const chosen = stored.length === 1 ? stored[0] : (await vscode.window.showQuickPick(
        stored.map((b) => ({ label: describeBinding(b), binding: b })), { title: vscode.l10n.t('RLM: Clear API Key'), placeHolder: vscode.l10n.t('Which key should go?') }))?.binding;
      if (!chosen) return undefined;
      await setup.deleteKey(chosen);
      deps.redactedLog.info(`API key for ${chosen.provider} at ${chosen.origin} removed from the secret storage`);
      void vscode.window.showInformationMessage(vscode.l10n.t('RLM: the key for {0} is removed.', describeBinding(chosen)));
      await setup.refresh();
      return undefined;
    }),
    register(COMMANDS.selectModel, () => selectProviderAndModel(setup)),
    register(COMMANDS.showLog, () => deps.log.show(true)),
    register(COMMANDS.showHistory, async () => {
      const history = chats.viewState().history;
      if (history.length === 0) {
        void vscode.window.showInformationMessage(vscode.l10n.t('RLM: no earlier chats yet.'));
        return undefined;
      }
      const picked = await vscode.window.showQuickPick(history.map((c) => ({
        label: c.title, description: c.folder, detail: new Date(c.updatedAt).toLocaleString(), id: c.id,
      })), { title: vscode.l10n.t('RLM: Chat History'), placeHolder: vscode.l10n.t('Reopen a chat') });
      if (!picked) return undefined;
      chats.openChat(picked.id);
      await chatView.reveal();
      return undefined;
    }),
    register(COMMANDS.useLocalServer, async () => {
      const server = setup.lastLocalServer ?? (await setup.refresh({ probe: true }), setup.lastLocalServer);
      if (!server) {
        void vscode.window.showWarningMessage(vscode.l10n.t('RLM: no local server answers on the usual ports (Ollama 11434, LM Studio 1234, llama.cpp 8080).'));
        return undefined;
      }
      await updateSettings({ provider: 'openai-compatible', baseUrl: server.baseUrl });
      deps.redactedLog.info(`Using ${server.name} at ${server.baseUrl}`);
      await setup.refresh();
      return undefined;
    }),
    register(COMMANDS.refreshSetup, () => setup.refresh({ probe: true })),
    ...historyCommands(deps).map(([id, run]) => register(id, run)),
  ];
}

async function pickKeyedProvider(title: string, current: ProviderSetting): Promise<KeyedProvider | undefined> {
  const order = isKeyedProvider(current) ? [current, ...KEYED_PROVIDERS.filter((p) => p !== current)] : [...KEYED_PROVIDERS];
  const picked = await vscode.window.showQuickPick(order.map((p) => ({
    label: providerLabel(p),
    description: p === 'openai-compatible' ? vscode.l10n.t('OpenRouter, LiteLLM, vLLM... (local servers need none)') : undefined,
    provider: p,
  })), { title: vscode.l10n.t('RLM: Set API Key'), placeHolder: title });
  return picked?.provider;
}

/** What each provider choice means, in the quick pick (a function: vscode.l10n reads the bundle when asked). */
const providerDetails = (): Record<ProviderSetting, string> => ({
  auto: vscode.l10n.t("The editor's models when there are any, or the provider you set a key for; a local server is offered when nothing else is there."),
  'vscode-lm': vscode.l10n.t('Models that extensions such as GitHub Copilot add to the editor: no key needed.'),
  openai: vscode.l10n.t('The OpenAI API, with your key.'),
  anthropic: vscode.l10n.t('The Anthropic API, with your key.'),
  'openai-compatible': vscode.l10n.t('Ollama, LM Studio, llama.cpp, vLLM, OpenRouter, LiteLLM... at a URL you give.'),
});

/** The provider, then its root and sub-call models, written to the settings. */
async function selectProviderAndModel(setup: SetupService): Promise<void> {
  const settings = setup.settings();
  const pickedProvider = await vscode.window.showQuickPick(PROVIDER_SETTINGS.map((p) => ({
    label: providerLabel(p), description: p === settings.provider ? vscode.l10n.t('(current)') : undefined, detail: providerDetails()[p], provider: p,
  })), { title: vscode.l10n.t('RLM: Select Provider'), placeHolder: vscode.l10n.t('Who answers the questions?') });
  if (!pickedProvider) return;
  const provider = pickedProvider.provider;
  if (provider === 'auto') {
    await updateSettings({ provider, rootModel: '', subModel: '' });
    return;
  }
  let baseUrl = provider === settings.provider ? settings.baseUrl : '';
  let models: string[] = [];
  if (provider === 'vscode-lm') {
    const available = await vscode.lm.selectChatModels();
    if (available.length === 0) {
      void vscode.window.showWarningMessage(vscode.l10n.t('RLM: the editor offers no language models. Install an extension that provides them (GitHub Copilot, for example), then try again.'));
      return;
    }
    models = available.map((m) => m.id);
  } else if (provider === 'openai-compatible') {
    const url = await vscode.window.showInputBox({
      title: vscode.l10n.t('RLM: OpenAI-compatible server'),
      prompt: vscode.l10n.t('Its base URL (usually ending in /v1)'),
      value: baseUrl || setup.lastLocalServer?.baseUrl || 'http://127.0.0.1:11434/v1',
      ignoreFocusOut: true,
      validateInput: (value) => !isHttpUrl(value.trim()) ? vscode.l10n.t('An http(s) URL, such as http://127.0.0.1:11434/v1')
        : isInsecureRemoteUrl(value.trim()) && !settings.allowInsecureHttp
          ? vscode.l10n.t('Plain http:// to another machine would send your code and key unencrypted: use https://, or turn on rlm.allowInsecureHttp in your user settings first.')
          : undefined,
    });
    if (!url) return;
    baseUrl = url.trim().replace(/\/+$/, '');
    models = (await probeLocalServer({ name: 'server', baseUrl }, { timeoutMs: 5000 }))?.models ?? [];
  } else {
    const prefix = provider === 'anthropic' ? /^claude/ : /^(gpt|o\d)/;
    models = Object.keys(BUILT_IN_PRICES).filter((m) => prefix.test(m));
  }
  const defaults = provider === 'openai' || provider === 'anthropic' ? DEFAULT_MODELS[provider] : undefined;
  const rootModel = await pickModel(`RLM: Root model (${providerLabel(provider)})`, models, {
    label: defaults ? vscode.l10n.t('Default ({0})', defaults.root) : provider === 'vscode-lm' ? vscode.l10n.t('The first model the editor offers') : vscode.l10n.t('The first model the server lists'),
  }, provider === settings.provider ? settings.rootModel : '');
  if (rootModel === undefined) return;
  const subModel = await pickModel(vscode.l10n.t('RLM: Sub-call model'), models, {
    label: defaults ? vscode.l10n.t('Default ({0})', defaults.sub) : vscode.l10n.t('Same as the root model'),
  }, provider === settings.provider ? settings.subModel : '');
  if (subModel === undefined) return;
  await updateSettings({ provider, ...(provider === 'openai-compatible' ? { baseUrl } : {}), rootModel, subModel });
  if ((provider === 'openai' || provider === 'anthropic') && !(await setup.key(provider, undefined)) && !baseUrl) {
    const choice = await vscode.window.showInformationMessage(vscode.l10n.t('RLM: {0} needs an API key.', providerLabel(provider)), vscode.l10n.t('Set API Key'));
    if (choice) await vscode.commands.executeCommand(COMMANDS.setApiKey, provider);
  }
}

/** '' for the default entry, a model name, or undefined when dismissed. "Other..." asks for a name. */
async function pickModel(title: string, models: string[], fallback: { label: string }, current: string): Promise<string | undefined> {
  const items: Array<vscode.QuickPickItem & { model?: string }> = [
    { label: fallback.label, model: '', description: current === '' ? vscode.l10n.t('(current)') : undefined },
    ...models.map((m) => ({ label: m, model: m, description: m === current ? vscode.l10n.t('(current)') : undefined })),
    { label: vscode.l10n.t('Other…'), description: vscode.l10n.t('type a model name') },
  ];
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder: vscode.l10n.t('Pick a model'), matchOnDescription: true });
  if (!picked) return undefined;
  if (picked.model !== undefined) return picked.model;
  const typed = await vscode.window.showInputBox({ title, prompt: vscode.l10n.t('The model name as the provider knows it'), value: current, ignoreFocusOut: true });
  return typed === undefined ? undefined : typed.trim();
}

/**
 * Writes what the user chose to the user settings, always: a workspace's settings file is tracked and shared
 * (a gateway URL must not leak into it), and provider and base URL are read from the user settings only anyway.
 * Where a trusted workspace's own value still wins (a model), the user is told.
 */
async function updateSettings(values: Partial<Pick<RlmSettings, 'provider' | 'baseUrl' | 'rootModel' | 'subModel'>>): Promise<void> {
  const configuration = vscode.workspace.getConfiguration('rlm');
  const shadowed: string[] = [];
  for (const [name, value] of Object.entries(values)) {
    await configuration.update(name, value, vscode.ConfigurationTarget.Global);
    const inspected = configuration.inspect(name);
    const theirs = inspected?.workspaceFolderValue ?? inspected?.workspaceValue;
    if (vscode.workspace.isTrusted && theirs !== undefined && theirs !== value && TRUSTED_WORKSPACE_SETTINGS.has(name as keyof RlmSettings)) {
      shadowed.push(`rlm.${name} (${JSON.stringify(theirs)})`);
    }
  }
  if (shadowed.length > 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t("RLM: saved in your user settings. This trusted workspace's settings also set {0}, which win here.", shadowed.join(', ')));
  }
}
