// The editor's side of the model set-up: settings from the configuration, keys in SecretStorage (never in
// settings, traces or the log), the editor's language models, and the local-server search (asynchronous, with a
// short deadline, its answer kept for a while). It keeps the set-up status the Chat view shows current as these
// change, and hands ChatService the sources it builds models from at question time.

import * as vscode from 'vscode';
import { findLocalServer, type LocalServer } from '../core/models/localServers';
import type { SetupStatus } from '../protocol/messages';
import type { Log } from './log';
import type { EditorLmApi } from './models/editorModel';
import { gatherFacts, type ModelSources } from './models/modelSetup';
import { setupStatus } from './models/providerPlan';
import { KEYED_PROVIDERS, readSettings, settingValue, type KeyedProvider, type RlmSettings, type SettingsRead } from './settings';

/** A local server found (or not) is believed for this long; "Look Again" asks at once. */
const LOCAL_SERVER_TTL_MS = 15_000;

const secretName = (provider: KeyedProvider) => `rlm.apiKey.${provider}`;

export const EDITOR_LM_API: EditorLmApi<vscode.LanguageModelChatMessage> = {
  message: (role, content) => (role === 'assistant' ? vscode.LanguageModelChatMessage.Assistant(content) : vscode.LanguageModelChatMessage.User(content)),
  cancellationSource: () => new vscode.CancellationTokenSource(),
};

export class SetupService implements vscode.Disposable {
  private current: SetupStatus;
  private local: { at: number; server: LocalServer | undefined } | undefined;
  private localSearch: Promise<LocalServer | undefined> | undefined;
  private readonly warned = new Set<string>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private refreshing: Promise<SetupStatus> | undefined;
  private refreshAgain = false;

  constructor(
    private readonly secretStorage: vscode.SecretStorage,
    /** Every key read in this window, for redaction (shared with the sessions and the log). */
    private readonly secrets: string[],
    private readonly log: Log,
    private readonly onChange: (status: SetupStatus) => void,
  ) {
    const settings = this.settings();
    this.current = { ready: false, provider: settings.provider, maxCostUsd: settings.maxCostPerQuestion > 0 ? settings.maxCostPerQuestion : null, problem: { message: 'Looking for language models…', actions: [] } };
    this.subscriptions.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('rlm')) void this.refresh();
      }),
      secretStorage.onDidChange((e) => {
        if (e.key.startsWith('rlm.apiKey.')) void this.refresh();
      }),
      vscode.lm.onDidChangeChatModels(() => void this.refresh()),
    );
  }

  /** The status as last looked up. */
  get status(): SetupStatus {
    return this.current;
  }

  /** The local server the last search found, if any (what "Use Ollama" pins). */
  get lastLocalServer(): LocalServer | undefined {
    return this.local?.server;
  }

  /** The rlm.* settings now, for a folder when given (folder-level values win); bad values are logged once. */
  settings(scope?: vscode.Uri): RlmSettings {
    const configuration = vscode.workspace.getConfiguration('rlm', scope);
    const ignored: string[] = [];
    const read: SettingsRead = readSettings((name) => {
      const { value, ignored: note } = settingValue(name, configuration.inspect(name), configuration.get(name));
      if (note) ignored.push(note);
      return value;
    });
    for (const warning of [...ignored, ...read.warnings]) {
      if (!this.warned.has(warning)) {
        this.warned.add(warning);
        this.log.warn(`Setting ignored: ${warning}`);
      }
    }
    return read.settings;
  }

  /** What models are built from at question time. */
  sources(): ModelSources<vscode.LanguageModelChatMessage> {
    return {
      editorModels: async () => vscode.lm.selectChatModels(),
      editorApi: EDITOR_LM_API,
      key: (provider) => this.key(provider),
      findLocalServer: () => this.findLocalServer(),
    };
  }

  /** Looks again at everything (a fresh local-server search when `probe`), and tells the Chat view. */
  async refresh(options: { probe?: boolean } = {}): Promise<SetupStatus> {
    if (options.probe) this.local = undefined;
    // One look at a time; changes during it cause one more.
    if (this.refreshing) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      try {
        do {
          this.refreshAgain = false;
          const settings = this.settings(vscode.workspace.workspaceFolders?.[0]?.uri);
          const { facts } = await gatherFacts(settings, this.sources());
          this.current = setupStatus(settings, facts);
        } while (this.refreshAgain);
        this.onChange(this.current);
      } catch (err) {
        this.log.error(`Looking up the model set-up: ${(err as Error).message}`);
      } finally {
        this.refreshing = undefined;
      }
      return this.current;
    })();
    return this.refreshing;
  }

  async key(provider: KeyedProvider): Promise<string | undefined> {
    const key = (await this.secretStorage.get(secretName(provider))) || undefined;
    if (key && !this.secrets.includes(key)) this.secrets.push(key);
    return key;
  }

  async storeKey(provider: KeyedProvider, key: string): Promise<void> {
    if (!this.secrets.includes(key)) this.secrets.push(key);
    await this.secretStorage.store(secretName(provider), key);
  }

  async deleteKey(provider: KeyedProvider): Promise<void> {
    await this.secretStorage.delete(secretName(provider));
  }

  /** Providers that have a key stored. */
  async keyedProviders(): Promise<KeyedProvider[]> {
    const present = await Promise.all(KEYED_PROVIDERS.map(async (p) => ((await this.secretStorage.get(secretName(p))) ? p : undefined)));
    return present.filter((p): p is KeyedProvider => p !== undefined);
  }

  /** A server on a usual local port; one search at a time, its answer kept for a while. */
  findLocalServer(): Promise<LocalServer | undefined> {
    if (this.local && Date.now() - this.local.at < LOCAL_SERVER_TTL_MS) return Promise.resolve(this.local.server);
    this.localSearch ??= findLocalServer().then((server) => {
      this.local = { at: Date.now(), server };
      this.localSearch = undefined;
      if (server) this.log.info(`Found ${server.name} at ${server.baseUrl} (${server.models.length} models)`);
      return server;
    });
    return this.localSearch;
  }

  dispose(): void {
    for (const s of this.subscriptions.splice(0)) s.dispose();
  }
}
