// The `rlm.*` settings as the engine needs them. Read at question time (a change applies from the next
// question), checked here because settings.json is hand-edited: a bad value falls back to its default with a
// warning for the log, never a crash. The defaults here are the ones package.json declares (a test checks).

import type { RlmLimitsInput } from '../core/loop/options';
import type { ModelTuning } from '../core/models/modelPair';
import { REASONING_EFFORTS, type ReasoningEffort } from '../core/models/types';

/** Who answers: the editor's own models, a provider's API, or any OpenAI-compatible server. */
export const PROVIDER_SETTINGS = ['auto', 'vscode-lm', 'openai', 'anthropic', 'openai-compatible'] as const;
export type ProviderSetting = (typeof PROVIDER_SETTINGS)[number];

/** 'default' sends no effort: the model's own (no thinking for Anthropic). */
export const EFFORT_SETTINGS = ['default', ...REASONING_EFFORTS] as const;
export type EffortSetting = (typeof EFFORT_SETTINGS)[number];

/** Which model writes the summary when the root history is compacted. */
export const COMPACT_WITH_SETTINGS = ['root', 'sub'] as const;
export type CompactWithSetting = (typeof COMPACT_WITH_SETTINGS)[number];

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
  /** Reply caps in tokens (thinking included), root and sub-calls; 0 for the provider's default. */
  maxOutputTokens: number;
  subMaxOutputTokens: number;
  reasoningEffort: EffortSetting;
  subReasoningEffort: EffortSetting;
  /** The root model's window in tokens; 0 for the price table's (a safe default for a model it does not know). */
  contextWindow: number;
  compactWith: CompactWithSetting;
  /** Reuse sub-call answers across questions (a cache on this machine, per workspace). */
  cacheSubCalls: boolean;
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
  maxOutputTokens: 0,
  subMaxOutputTokens: 0,
  reasoningEffort: 'default',
  subReasoningEffort: 'default',
  contextWindow: 0,
  compactWith: 'root',
  cacheSubCalls: true,
});

/**
 * Read from the user's settings only: where code is sent and what a question may spend. A cloned repository's
 * .vscode/settings.json could otherwise point the models at its own server or lift the cap. (Not `scope:
 * machine` or `application` in package.json: in remote windows such as code-server, VS Code stops showing the
 * extension host those values from the user settings after the first change.)
 */
export const USER_ONLY_SETTINGS: ReadonlySet<keyof RlmSettings> = new Set([
  'provider', 'baseUrl', 'maxCostPerQuestion',
  // What a question spends: reply caps, thinking, the window compaction works to, the model that summarises, the cache.
  'maxOutputTokens', 'subMaxOutputTokens', 'reasoningEffort', 'subReasoningEffort', 'contextWindow', 'compactWith', 'cacheSubCalls',
]);

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
  if (!USER_ONLY_SETTINGS.has(name)) return { value: resolved };
  const fromWorkspace = inspected?.workspaceFolderValue ?? inspected?.workspaceValue;
  const value = inspected?.globalValue ?? inspected?.defaultValue;
  return fromWorkspace === undefined || JSON.stringify(fromWorkspace) === JSON.stringify(value)
    ? { value }
    : { value, ignored: `rlm.${name} in the workspace settings (${JSON.stringify(fromWorkspace)}) is ignored: where code goes and what a question may spend are read from your user settings only.` };
}

/** Bounds each number setting takes (package.json declares the same). */
export const NUMBER_BOUNDS: Readonly<Record<NumberSetting, { minimum: number; maximum?: number; integer: boolean }>> = {
  maxDepth: { minimum: 1, maximum: 5, integer: true },
  maxIterations: { minimum: 1, maximum: 1000, integer: true },
  maxSubCalls: { minimum: 0, integer: true },
  concurrency: { minimum: 1, maximum: 256, integer: true },
  cellTimeout: { minimum: 1, maximum: 3600, integer: false },
  maxCostPerQuestion: { minimum: 0, integer: false },
  maxOutputTokens: { minimum: 0, integer: true },
  subMaxOutputTokens: { minimum: 0, integer: true },
  contextWindow: { minimum: 0, integer: true },
};

type NumberSetting = 'maxDepth' | 'maxIterations' | 'maxSubCalls' | 'concurrency' | 'cellTimeout' | 'maxCostPerQuestion' | 'maxOutputTokens' | 'subMaxOutputTokens' | 'contextWindow';

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
  const oneOf = <K extends 'reasoningEffort' | 'subReasoningEffort' | 'compactWith'>(name: K, allowed: readonly RlmSettings[K][]): RlmSettings[K] => {
    const value = get(name) ?? SETTING_DEFAULTS[name];
    return (allowed as readonly unknown[]).includes(value) ? (value as RlmSettings[K]) : fallback(name, value, `one of ${allowed.join(', ')}`);
  };
  const cacheSubCalls = get('cacheSubCalls') ?? SETTING_DEFAULTS.cacheSubCalls;
  const provider = get('provider') ?? SETTING_DEFAULTS.provider;
  let baseUrl = text('baseUrl');
  if (baseUrl !== '' && !isHttpUrl(baseUrl)) baseUrl = fallback('baseUrl', baseUrl, 'an http(s) URL such as http://127.0.0.1:11434/v1');
  const excludes = get('excludes') ?? SETTING_DEFAULTS.excludes;
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
    excludes: Array.isArray(excludes) && excludes.every((e) => typeof e === 'string')
      ? excludes.map((e) => e.trim()).filter((e) => e !== '')
      : fallback('excludes', excludes, 'a list of strings'),
    validateCommand: text('validateCommand'),
    maxOutputTokens: number('maxOutputTokens'),
    subMaxOutputTokens: number('subMaxOutputTokens'),
    reasoningEffort: oneOf('reasoningEffort', EFFORT_SETTINGS),
    subReasoningEffort: oneOf('subReasoningEffort', EFFORT_SETTINGS),
    contextWindow: number('contextWindow'),
    compactWith: oneOf('compactWith', COMPACT_WITH_SETTINGS),
    cacheSubCalls: typeof cacheSubCalls === 'boolean' ? cacheSubCalls : fallback('cacheSubCalls', cacheSubCalls, 'true or false'),
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

/** The root and sub-model's reply caps, reasoning effort and the root's window, as createModelPair takes them. */
export function tuningFrom(settings: RlmSettings): { root: ModelTuning; sub: ModelTuning } {
  const effort = (e: EffortSetting): ReasoningEffort | undefined => (e === 'default' ? undefined : e);
  const positive = (n: number) => (n > 0 ? n : undefined);
  return {
    root: { maxOutputTokens: positive(settings.maxOutputTokens), reasoningEffort: effort(settings.reasoningEffort), contextWindow: positive(settings.contextWindow) },
    sub: { maxOutputTokens: positive(settings.subMaxOutputTokens), reasoningEffort: effort(settings.subReasoningEffort) },
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
