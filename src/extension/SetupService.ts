// The editor's side of the model set-up: settings from the configuration (as the workspace's trust allows),
// keys in SecretStorage bound to the endpoint they were saved for (never in settings, traces or the log), the
// editor's language models, the local-server search and a gateway's model list (asynchronous, with short
// deadlines, their answers kept for a while). It keeps the set-up status the Chat view shows current as these
// change, and hands ChatService the sources it builds models from at question time.

import * as vscode from 'vscode';
import { findLocalServer, type LocalServer } from '../core/models/localServers';
import { listModels, type ModelListing } from '../core/models/modelListing';
import type { SetupStatus } from '../protocol/messages';
import type { Log } from './log';
import { ApiKeys, bindingOf, SECRET_PREFIX, type KeyBinding } from './models/apiKeys';
import type { EditorLmApi } from './models/editorModel';
import { gatherFacts, type ModelSources } from './models/modelSetup';
import { setupStatus, type SetupFacts } from './models/providerPlan';
import { readSettings, settingValue, type KeyedProvider, type RlmSettings, type SettingsInForce, type SettingSource, type SettingsRead } from './settings';

/** A local server found (or not) is believed for this long; "Look Again" asks at once. */
const LOCAL_SERVER_TTL_MS = 15_000;
/** A server's model list and prices are believed for this long (a question each few seconds need not ask again). */
const LISTING_TTL_MS = 5 * 60_000;

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
  private readonly keys: ApiKeys;
  /** Keys of the earlier per-provider form, moved before any key is read. */
  private readonly migrated: Promise<void>;
  private readonly listings = new Map<string, { at: number; listing: Promise<ModelListing> }>();
  private readonly changed = new vscode.EventEmitter<SetupStatus>();
  /** The set-up as looked up after each change of the settings, keys, editor models, trust or folders. */
  readonly onDidChange = this.changed.event;

  constructor(
    secretStorage: vscode.SecretStorage,
    /** Where the names of the saved keys are listed (the extension's global state). */
    keyIndex: vscode.Memento,
    /** Every key read in this window, for redaction (shared with the sessions and the log). */
    private readonly secrets: string[],
    private readonly log: Log,
  ) {
    this.keys = new ApiKeys(secretStorage, keyIndex);
    const settings = this.settings();
    this.current = { ready: false, provider: settings.provider, maxCostUsd: settings.maxCostPerQuestion > 0 ? settings.maxCostPerQuestion : null, problem: { message: vscode.l10n.t('Looking for language models…'), actions: [] } };
    this.migrated = this.keys.migrate(settings).then((notes) => {
      for (const { note, removed } of notes) {
        this.log.info(note);
        if (removed) void vscode.window.showInformationMessage(vscode.l10n.t('RLM: {0}', note));
      }
    }, (err: unknown) => this.log.error(`Moving the saved API keys: ${(err as Error).message}`));
    this.subscriptions.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('rlm')) void this.refresh();
      }),
      secretStorage.onDidChange((e) => {
        if (e.key.startsWith(SECRET_PREFIX)) void this.refresh();
      }),
      vscode.lm.onDidChangeChatModels(() => void this.refresh()),
      // Trusting the folder lets its settings count (a lower limit, its models): the status says so at once.
      vscode.workspace.onDidGrantWorkspaceTrust(() => void this.refresh()),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.refresh()),
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

  /** The rlm.* settings now, for a folder when given (folder-level values win where they may); bad values are logged once. */
  settings(scope?: vscode.Uri): RlmSettings {
    return this.settingsInForce(scope).settings;
  }

  /**
   * The settings and where each came from. A workspace's values count as settings.ts's settingValue allows: in
   * Restricted Mode not at all for models, limits, endpoints and commands.
   */
  settingsInForce(scope?: vscode.Uri): SettingsInForce {
    const configuration = vscode.workspace.getConfiguration('rlm', scope);
    const trusted = vscode.workspace.isTrusted;
    const ignored: string[] = [];
    const sources = {} as Record<keyof RlmSettings, SettingSource>;
    const read: SettingsRead = readSettings((name) => {
      const { value, source, ignored: note } = settingValue(name, configuration.inspect(name), configuration.get(name), trusted);
      sources[name] = source;
      if (note) ignored.push(note);
      return value;
    });
    for (const warning of [...ignored, ...read.warnings]) {
      if (!this.warned.has(warning)) {
        this.warned.add(warning);
        this.log.warn(`Setting ignored: ${warning}`);
      }
    }
    return { settings: read.settings, sources };
  }

  /** What the window itself says about answering: trust, and whether any folder is on this machine. */
  windowFacts(): Pick<SetupFacts, 'trusted' | 'virtualFolder'> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const local = folders.some((f) => f.uri.scheme === 'file');
    return {
      trusted: vscode.workspace.isTrusted,
      ...(folders.length > 0 && !local ? { virtualFolder: folders[0]!.uri.toString() } : {}),
    };
  }

  /** What models are built from at question time. */
  sources(): ModelSources<vscode.LanguageModelChatMessage> {
    return {
      editorModels: async () => vscode.lm.selectChatModels(),
      editorApi: EDITOR_LM_API,
      key: (provider, baseUrl) => this.key(provider, baseUrl),
      findLocalServer: () => this.findLocalServer(),
      listModels: (baseUrl, key) => this.listModels(baseUrl, key),
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
          const { facts } = await gatherFacts(settings, this.sources(), this.windowFacts());
          this.current = setupStatus(settings, facts);
        } while (this.refreshAgain);
        this.changed.fire(this.current);
      } catch (err) {
        this.log.error(`Looking up the model set-up: ${(err as Error).message}`);
      } finally {
        this.refreshing = undefined;
      }
      return this.current;
    })();
    return this.refreshing;
  }

  /** The key saved for `provider` at `baseUrl`'s origin (absent: the provider's own API); none is shared across origins. */
  async key(provider: KeyedProvider, baseUrl: string | undefined): Promise<string | undefined> {
    const binding = bindingOf(provider, baseUrl);
    if (!binding) return undefined;
    await this.migrated;
    const key = await this.keys.get(binding);
    if (key && !this.secrets.includes(key)) this.secrets.push(key);
    return key;
  }

  async storeKey(binding: KeyBinding, key: string): Promise<void> {
    if (!this.secrets.includes(key)) this.secrets.push(key);
    await this.migrated;
    await this.keys.store(binding, key);
  }

  async deleteKey(binding: KeyBinding): Promise<void> {
    await this.migrated;
    await this.keys.delete(binding);
  }

  /** Every key saved, by where it may be sent. */
  async storedKeys(): Promise<KeyBinding[]> {
    await this.migrated;
    return this.keys.stored();
  }

  /** A server's model list and prices, asked once a while per server and key. */
  private listModels(baseUrl: string, key: string | undefined): Promise<ModelListing> {
    const id = `${baseUrl}\n${key ?? ''}`;
    const cached = this.listings.get(id);
    if (cached && Date.now() - cached.at < LISTING_TTL_MS) return cached.listing;
    const listing = listModels({ baseUrl, apiKey: key }).then((found) => {
      const priced = Object.keys(found.prices).length;
      if (priced > 0) this.log.info(`${baseUrl} lists prices for ${priced} of its ${found.models.length} models`);
      // Nothing listed (the server down or starting): asked again next time, not believed for minutes.
      if (found.models.length === 0) this.listings.delete(id);
      return found;
    });
    this.listings.set(id, { at: Date.now(), listing });
    return listing;
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
    this.changed.dispose();
  }
}
