// The `rlm.*` settings as the engine needs them. Read at question time (a change applies from the next
// question), checked here because settings.json is hand-edited: a bad value falls back to its default with a
// warning for the log, never a crash. The defaults here are the ones package.json declares (a test checks).

import type { RlmLimitsInput } from '../core/loop/options';

/** Who answers: the editor's own models, a provider's API, or any OpenAI-compatible server. */
export const PROVIDER_SETTINGS = ['auto', 'vscode-lm', 'openai', 'anthropic', 'openai-compatible'] as const;
export type ProviderSetting = (typeof PROVIDER_SETTINGS)[number];

/** Providers that may take an API key (kept in SecretStorage, one per provider). */
export const KEYED_PROVIDERS = ['openai', 'anthropic', 'openai-compatible'] as const;
export type KeyedProvider = (typeof KEYED_PROVIDERS)[number];

export interface RlmSettings {
  provider: ProviderSetting;
  /** An OpenAI-compatible server (or a gateway for openai / anthropic); '' for the provider's own API. */
  baseUrl: string;
  /** '' for the provider's default (for a server: the first model it lists; for the editor: its first model). */
  rootModel: string;
  /** '' for the provider's default (the root model on a server or in the editor). */
  subModel: string;
  maxDepth: number;
  maxIterations: number;
  maxSubCalls: number;
  concurrency: number;
  /** Seconds one code cell may run (time waiting on models does not count). */
  cellTimeout: number;
  /** USD per question, child runs included; 0 means no cap. */
  maxCostPerQuestion: number;
  /** Gitignore-style patterns left out of the workspace on top of the default excludes. */
  excludes: string[];
  /** The user's check after applying proposed edits (run through the shell in the folder, after asking); '' for none. */
  validateCommand: string;
  /** Gitignore-style patterns of more sensitive files, on top of core/edits/sensitive.ts's list (see ADDITIVE_SETTINGS). */
  sensitivePaths: string[];
}

export const SETTING_DEFAULTS: Readonly<RlmSettings> = Object.freeze({
  provider: 'auto',
  baseUrl: '',
  rootModel: '',
  subModel: '',
  maxDepth: 1,
  maxIterations: 30,
  maxSubCalls: 1000,
  concurrency: 16,
  cellTimeout: 60,
  maxCostPerQuestion: 2,
  excludes: [],
  validateCommand: '',
  sensitivePaths: [],
});

/**
 * Read from the user's settings only: where code is sent and what a question may spend. A cloned repository's
 * .vscode/settings.json could otherwise point the models at its own server or lift the cap. (Not `scope:
 * machine` or `application` in package.json: in remote windows such as code-server, VS Code stops showing the
 * extension host those values from the user settings after the first change.)
 */
export const USER_ONLY_SETTINGS: ReadonlySet<keyof RlmSettings> = new Set(['provider', 'baseUrl', 'maxCostPerQuestion']);

/**
 * Lists every settings layer adds to (user, workspace, folder): a workspace may add sensitive paths, never take
 * away the user's (a workspace value would otherwise replace them).
 */
export const ADDITIVE_SETTINGS: ReadonlySet<keyof RlmSettings> = new Set(['sensitivePaths']);

/** Shaped like vscode.WorkspaceConfiguration.inspect()'s answer. */
export interface InspectedSetting {
  defaultValue?: unknown;
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

/**
 * The value a setting has for RLM: for a user-only setting, the user's value (or the default) and a note when a
 * workspace tried to set it; for the others, what the editor resolved.
 */
export function settingValue(name: keyof RlmSettings, inspected: InspectedSetting | undefined, resolved: unknown): { value: unknown; ignored?: string } {
  if (ADDITIVE_SETTINGS.has(name)) return { value: unionOfLayers(inspected, resolved) };
  if (!USER_ONLY_SETTINGS.has(name)) return { value: resolved };
  const fromWorkspace = inspected?.workspaceFolderValue ?? inspected?.workspaceValue;
  const value = inspected?.globalValue ?? inspected?.defaultValue;
  return fromWorkspace === undefined || JSON.stringify(fromWorkspace) === JSON.stringify(value)
    ? { value }
    : { value, ignored: `rlm.${name} in the workspace settings (${JSON.stringify(fromWorkspace)}) is ignored: where code goes and what a question may spend are read from your user settings only.` };
}

/** Every layer's list in one (a layer that is not a list is left for readSettings to warn about, through `resolved`). */
function unionOfLayers(inspected: InspectedSetting | undefined, resolved: unknown): unknown {
  const layers = [inspected?.defaultValue, inspected?.globalValue, inspected?.workspaceValue, inspected?.workspaceFolderValue].filter((v) => v !== undefined);
  if (layers.length === 0 || !layers.every(Array.isArray)) return resolved;
  return [...new Set(layers.flat())];
}

/** Bounds each number setting takes (package.json declares the same). */
export const NUMBER_BOUNDS: Readonly<Record<NumberSetting, { minimum: number; maximum?: number; integer: boolean }>> = {
  maxDepth: { minimum: 1, maximum: 5, integer: true },
  maxIterations: { minimum: 1, maximum: 1000, integer: true },
  maxSubCalls: { minimum: 0, integer: true },
  concurrency: { minimum: 1, maximum: 256, integer: true },
  cellTimeout: { minimum: 1, maximum: 3600, integer: false },
  maxCostPerQuestion: { minimum: 0, integer: false },
};

type NumberSetting = 'maxDepth' | 'maxIterations' | 'maxSubCalls' | 'concurrency' | 'cellTimeout' | 'maxCostPerQuestion';

export interface SettingsRead {
  settings: RlmSettings;
  /** One line per value that was ignored, naming the setting and what was used instead. */
  warnings: string[];
}

/** Reads every `rlm.*` setting through `get('provider')` and the like (VS Code's WorkspaceConfiguration.get). */
export function readSettings(get: (name: keyof RlmSettings) => unknown): SettingsRead {
  const warnings: string[] = [];
  const fallback = <K extends keyof RlmSettings>(name: K, value: unknown, expected: string): RlmSettings[K] => {
    warnings.push(`rlm.${name}: ${JSON.stringify(value)} is not ${expected}; using ${JSON.stringify(SETTING_DEFAULTS[name])}.`);
    return SETTING_DEFAULTS[name];
  };
  const text = (name: 'baseUrl' | 'rootModel' | 'subModel' | 'validateCommand'): string => {
    const value = get(name) ?? SETTING_DEFAULTS[name];
    return typeof value === 'string' ? value.trim() : fallback(name, value, 'a string');
  };
  const number = (name: NumberSetting): number => {
    const value = get(name) ?? SETTING_DEFAULTS[name];
    const bounds = NUMBER_BOUNDS[name];
    const ok = typeof value === 'number' && Number.isFinite(value) && value >= bounds.minimum
      && (bounds.maximum === undefined || value <= bounds.maximum) && (!bounds.integer || Number.isInteger(value));
    const expected = `${bounds.integer ? 'a whole number' : 'a number'} from ${bounds.minimum}${bounds.maximum === undefined ? '' : ` to ${bounds.maximum}`}`;
    return ok ? value : fallback(name, value, expected);
  };
  const provider = get('provider') ?? SETTING_DEFAULTS.provider;
  let baseUrl = text('baseUrl');
  if (baseUrl !== '' && !isHttpUrl(baseUrl)) baseUrl = fallback('baseUrl', baseUrl, 'an http(s) URL such as http://127.0.0.1:11434/v1');
  const patterns = (name: 'excludes' | 'sensitivePaths'): string[] => {
    const value = get(name) ?? SETTING_DEFAULTS[name];
    return Array.isArray(value) && value.every((e) => typeof e === 'string')
      ? value.map((e) => e.trim()).filter((e) => e !== '')
      : fallback(name, value, 'a list of strings');
  };
  const settings: RlmSettings = {
    provider: (PROVIDER_SETTINGS as readonly unknown[]).includes(provider) ? (provider as ProviderSetting) : fallback('provider', provider, `one of ${PROVIDER_SETTINGS.join(', ')}`),
    baseUrl: baseUrl.replace(/\/+$/, ''),
    rootModel: text('rootModel'),
    subModel: text('subModel'),
    maxDepth: number('maxDepth'),
    maxIterations: number('maxIterations'),
    maxSubCalls: number('maxSubCalls'),
    concurrency: number('concurrency'),
    cellTimeout: number('cellTimeout'),
    maxCostPerQuestion: number('maxCostPerQuestion'),
    excludes: patterns('excludes'),
    validateCommand: text('validateCommand'),
    sensitivePaths: patterns('sensitivePaths'),
  };
  return { settings, warnings };
}

/** The run limits the settings ask for: every limit is given, so a setting changed back to its default applies too. */
export function limitsFrom(settings: RlmSettings): RlmLimitsInput {
  return {
    maxDepth: settings.maxDepth,
    maxIterations: settings.maxIterations,
    maxSubCalls: settings.maxSubCalls,
    concurrency: settings.concurrency,
    maxCostUsd: maxCostUsd(settings),
    sandbox: { cellTimeoutMs: Math.round(settings.cellTimeout * 1000) },
  };
}

/** The per-question cost cap in USD, Infinity for none (0 in the setting). */
export function maxCostUsd(settings: RlmSettings): number {
  return settings.maxCostPerQuestion > 0 ? settings.maxCostPerQuestion : Infinity;
}

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

export function isKeyedProvider(value: unknown): value is KeyedProvider {
  return (KEYED_PROVIDERS as readonly unknown[]).includes(value);
}

/** The name a provider goes by in messages and pickers. */
export function providerLabel(provider: ProviderSetting): string {
  switch (provider) {
    case 'auto': return 'Automatic';
    case 'vscode-lm': return "The editor's language models";
    case 'openai': return 'OpenAI';
    case 'anthropic': return 'Anthropic';
    case 'openai-compatible': return 'OpenAI-compatible server';
  }
}
