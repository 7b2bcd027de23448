// API keys, each bound to a provider AND the origin of the endpoint it was saved for: a key saved for one
// OpenAI-compatible gateway is never sent to whatever later answers at another address (a local port, a
// workspace's server). Kept in the editor's SecretStorage as `rlm.apiKey.<provider>@<origin>`; the names (never
// the keys) are listed in the extension's global state, since SecretStorage cannot list what it holds. Keys of
// the earlier per-provider form (`rlm.apiKey.<provider>`) are moved to the endpoint they were in use with.
// No `vscode` here: SetupService passes the editor's SecretStorage and Memento in.

import * as l10n from '@vscode/l10n';
import { ANTHROPIC_DEFAULT_BASE_URL } from '../../core/models/anthropicModel';
import { originOf } from '../../core/models/endpoints';
import { OPENAI_DEFAULT_BASE_URL } from '../../core/models/openaiModel';
import type { Memento } from '../chats/ChatStore';
import { KEYED_PROVIDERS, providerLabel, type KeyedProvider, type RlmSettings } from '../settings';

/** What SecretStorage offers that this needs. */
export interface SecretStore {
  get(name: string): PromiseLike<string | undefined>;
  store(name: string, value: string): PromiseLike<void>;
  delete(name: string): PromiseLike<void>;
}


/** Where a stored key may be sent. */
export interface KeyBinding {
  provider: KeyedProvider;
  origin: string;
}

export const SECRET_PREFIX = 'rlm.apiKey.';
const INDEX_KEY = 'rlm.apiKeyNames.v1';
const PROVIDER_API: Record<Exclude<KeyedProvider, 'openai-compatible'>, string> = {
  openai: OPENAI_DEFAULT_BASE_URL,
  anthropic: ANTHROPIC_DEFAULT_BASE_URL,
};

/**
 * The base URL a provider's requests go to under these settings: rlm.baseUrl when it is that provider's (or
 * `auto` reads it as an OpenAI-compatible server), else the provider's own API; undefined for an OpenAI-compatible
 * server with no URL set (the local server found, if any, is the caller's to name).
 */
export function endpointOf(provider: KeyedProvider, settings: Pick<RlmSettings, 'provider' | 'baseUrl'>): string | undefined {
  const own = settings.provider === provider || (provider === 'openai-compatible' && settings.provider === 'auto');
  if (own && settings.baseUrl) return settings.baseUrl;
  return provider === 'openai-compatible' ? undefined : PROVIDER_API[provider];
}

/** The binding of a key for `provider` at `baseUrl` (absent: the provider's own API). */
export function bindingOf(provider: KeyedProvider, baseUrl: string | undefined): KeyBinding | undefined {
  const url = baseUrl ?? (provider === 'openai-compatible' ? undefined : PROVIDER_API[provider]);
  const origin = url === undefined ? undefined : originOf(url);
  return origin === undefined ? undefined : { provider, origin };
}

export function secretName(binding: KeyBinding): string {
  return `${SECRET_PREFIX}${binding.provider}@${binding.origin}`;
}

/** "OpenAI-compatible server at https://openrouter.ai": for pickers and notices. */
export function describeBinding(binding: KeyBinding): string {
  return `${providerLabel(binding.provider)} at ${binding.origin}`;
}

export class ApiKeys {
  /** `index` is the extension's global state, where the names of the saved keys are listed. */
  constructor(private readonly secrets: SecretStore, private readonly index: Memento) {}

  async get(binding: KeyBinding): Promise<string | undefined> {
    return (await this.secrets.get(secretName(binding))) || undefined;
  }

  async store(binding: KeyBinding, key: string): Promise<void> {
    await this.secrets.store(secretName(binding), key);
    const names = this.names();
    if (!names.includes(secretName(binding))) await this.index.update(INDEX_KEY, [...names, secretName(binding)]);
  }

  async delete(binding: KeyBinding): Promise<void> {
    await this.secrets.delete(secretName(binding));
    await this.index.update(INDEX_KEY, this.names().filter((n) => n !== secretName(binding)));
  }

  /** Every key saved, by where it may be sent (names whose key is gone are left out). */
  async stored(): Promise<KeyBinding[]> {
    const found: KeyBinding[] = [];
    for (const name of this.names()) {
      const binding = parseName(name);
      if (binding && (await this.get(binding))) found.push(binding);
    }
    return found;
  }

  /**
   * Moves keys saved per provider (before keys were bound to an endpoint) to the endpoint the settings send that
   * provider's requests to now, which is where they were being sent. A key whose endpoint cannot be known (an
   * OpenAI-compatible key with no rlm.baseUrl: it went to whichever local server answered) is deleted, not
   * guessed; the returned notes say what happened to each (`removed`: the user must set it again).
   */
  async migrate(settings: Pick<RlmSettings, 'provider' | 'baseUrl'>): Promise<Array<{ note: string; removed: boolean }>> {
    const notes: Array<{ note: string; removed: boolean }> = [];
    for (const provider of KEYED_PROVIDERS) {
      const legacy = `${SECRET_PREFIX}${provider}`;
      const key = await this.secrets.get(legacy);
      if (!key) continue;
      const binding = bindingOf(provider, endpointOf(provider, settings));
      if (binding && !(await this.get(binding))) await this.store(binding, key);
      await this.secrets.delete(legacy);
      notes.push(binding
        ? { note: l10n.t('The {0} API key now belongs to {1} only.', providerLabel(provider), binding.origin), removed: false }
        : { note: l10n.t('The {0} API key was removed: keys now belong to one server\'s address, and rlm.baseUrl names none. Set it again with "RLM: Set API Key" once rlm.baseUrl names the server.', providerLabel(provider)), removed: true });
    }
    return notes;
  }

  private names(): string[] {
    const names = this.index.get<unknown>(INDEX_KEY);
    return Array.isArray(names) ? names.filter((n): n is string => typeof n === 'string') : [];
  }
}

function parseName(name: string): KeyBinding | undefined {
  if (!name.startsWith(SECRET_PREFIX)) return undefined;
  const rest = name.slice(SECRET_PREFIX.length);
  const at = rest.indexOf('@');
  const provider = rest.slice(0, at);
  const origin = rest.slice(at + 1);
  return at > 0 && (KEYED_PROVIDERS as readonly string[]).includes(provider) && originOf(origin) === origin
    ? { provider: provider as KeyedProvider, origin }
    : undefined;
}
