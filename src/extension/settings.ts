// The `rlm.*` settings as the engine needs them. Read at question time (a change applies from the next
// question), checked here because settings.json is hand-edited: a bad value falls back to its default with a
// warning for the log, never a crash. The defaults here are the ones package.json declares (a test checks).
//
// A workspace's settings are untrusted input (a cloned repository's .vscode/settings.json): settingValue decides,
// setting by setting, what a workspace may set. Nothing from it raises a limit, picks an endpoint, or, unless
// the workspace is trusted, picks a model or a command.

import type { RlmLimitsInput } from '../core/loop/options';
import type { ModelTuning } from '../core/models/modelPair';
import { parsePriceOverrides, type ModelPrice } from '../core/models/pricing';
import { REASONING_EFFORTS, type ReasoningEffort } from '../core/models/types';
import { IncludeRules } from '../core/workspace/IncludeRules';

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
  /** Requests per question to models without a known price (the editor's models among them), child runs included; 0 means no cap. */
  maxRequestsPerQuestion: number;
  /** Gitignore-style patterns left out of the workspace on top of the default excludes. */
  excludes: string[];
  /** Folders (globs) to index only, see IncludeRules; empty for the whole folder. */
  include: string[];
  /** The user's check after applying proposed edits (run through the shell in the folder, after asking); '' for none. */
  validateCommand: string;
  /** Reply caps in tokens (thinking included), root and sub-calls; 0 for the provider's default. */
  maxOutputTokens: number;
  subMaxOutputTokens: number;
  reasoningEffort: EffortSetting;
  subReasoningEffort: EffortSetting;
  /** The root model's window in tokens; 0 for the price table's (a safe default for a model it does not know). */
  contextWindow: number;
  /** The sub-model's, which child runs (rlm_query) compact to; 0 as above (the root's when it is the same model). */
  subContextWindow: number;
  compactWith: CompactWithSetting;
  /** Reuse sub-call answers across questions (a cache on this machine, per workspace). */
  cacheSubCalls: boolean;
  /** Plain http:// to a server that is not this machine (code and key unencrypted on the network). */
  allowInsecureHttp: boolean;
  /** Prices the built-in table and the server's list lack or get wrong (USD per 1M tokens), as `--prices` takes them. */
  prices: Record<string, ModelPrice>;
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
  maxRequestsPerQuestion: 300,
  excludes: [],
  include: [],
  validateCommand: '',
  maxOutputTokens: 0,
  subMaxOutputTokens: 0,
  reasoningEffort: 'default',
  subReasoningEffort: 'default',
  contextWindow: 0,
  subContextWindow: 0,
  compactWith: 'root',
  cacheSubCalls: true,
  allowInsecureHttp: false,
  prices: {},
  sensitivePaths: [],
});

/**
 * Read from the user's settings only, trusted workspace or not: where code and keys are sent, and what a price is.
 * A cloned repository's .vscode/settings.json could otherwise point the models at its own server. (Not `scope:
 * machine` or `application` in package.json: in remote windows such as code-server, VS Code stops showing the
 * extension host those values from the user settings after the first change.)
 */
export const USER_ONLY_SETTINGS: ReadonlySet<keyof RlmSettings> = new Set([
  'provider', 'baseUrl', 'allowInsecureHttp', 'prices',
  // Thinking is billed as output, and whether 'default' is more or less than 'low' depends on the provider
  // (OpenAI's default is medium, Anthropic's is no thinking): no order a workspace could only lower along.
  'reasoningEffort', 'subReasoningEffort',
]);

/**
 * Limits: a trusted workspace may lower them (a big repository, a cautious team), never raise them above the user's.
 * The reply caps and the windows bound what each request may spend.
 */
export const LOWER_ONLY_SETTINGS: ReadonlySet<NumberSetting> = new Set([
  'maxDepth', 'maxIterations', 'maxSubCalls', 'concurrency', 'cellTimeout', 'maxCostPerQuestion', 'maxRequestsPerQuestion',
  'maxOutputTokens', 'subMaxOutputTokens', 'contextWindow', 'subContextWindow',
]);

/**
 * Which models run (the summarizer of a compaction is one of them) and which command: a workspace may choose them
 * only once the user trusted it.
 */
export const TRUSTED_WORKSPACE_SETTINGS: ReadonlySet<keyof RlmSettings> = new Set(['rootModel', 'subModel', 'compactWith', 'validateCommand']);

/**
 * Switches a trusted workspace may turn off, never on against the user's settings: the sub-call cache keeps model
 * answers (workspace text among them) on this machine, and a user who turned it off meant it.
 */
export const OFF_ONLY_SETTINGS: ReadonlySet<keyof RlmSettings> = new Set(['cacheSubCalls']);

/**
 * Every setting that touches models, limits, endpoints, commands or what is kept on disk: in Restricted Mode all of
 * them come from the user's settings only (package.json's `restrictedConfigurations` lists the same).
 */
export const RESTRICTED_SETTINGS: readonly (keyof RlmSettings)[] = [
  ...USER_ONLY_SETTINGS, ...LOWER_ONLY_SETTINGS, ...TRUSTED_WORKSPACE_SETTINGS, ...OFF_ONLY_SETTINGS,
];

/** Number settings where 0 means "no cap". */
const ZERO_IS_NO_CAP: ReadonlySet<NumberSetting> = new Set(['maxCostPerQuestion', 'maxRequestsPerQuestion']);

/**
 * Number settings where 0 means the model's own value, which may be more or less than any number (Anthropic's
 * default reply cap is smaller than what a model may be asked for): a workspace may only lower a number the user set.
 */
const ZERO_IS_MODEL_DEFAULT: ReadonlySet<NumberSetting> = new Set(['maxOutputTokens', 'subMaxOutputTokens', 'contextWindow', 'subContextWindow']);

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

/** Where a value in force came from: the default, the user's settings, the workspace's, or the folder's. */
export type SettingSource = 'default' | 'user' | 'workspace' | 'folder';

/** The rlm.* settings in force, and where each came from. */
export interface SettingsInForce {
  settings: RlmSettings;
  sources: Record<keyof RlmSettings, SettingSource>;
}

export interface SettingValue {
  value: unknown;
  source: SettingSource;
  /** A workspace tried to set it and was not heeded: the line for the log. */
  ignored?: string;
}

/**
 * The value a setting has for RLM, and where it came from. User-only settings: the user's value (or the default).
 * In an untrusted workspace (Restricted Mode), every setting of RESTRICTED_SETTINGS likewise, and no validation
 * command at all (nothing runs in Restricted Mode). In a trusted one, a limit from the workspace only when it is
 * lower than the user's, a switch of OFF_ONLY_SETTINGS only turned off, and models and the command as the
 * workspace says. `excludes` and `include` only ever narrow what is read: the editor's resolved value.
 */
export function settingValue(name: keyof RlmSettings, inspected: InspectedSetting | undefined, resolved: unknown, trusted: boolean): SettingValue {
  const base: SettingValue = inspected?.globalValue !== undefined
    ? { value: inspected.globalValue, source: 'user' }
    : { value: inspected?.defaultValue ?? SETTING_DEFAULTS[name], source: 'default' };
  const fromWorkspace: SettingValue | undefined = inspected?.workspaceFolderValue !== undefined
    ? { value: inspected.workspaceFolderValue, source: 'folder' }
    : inspected?.workspaceValue !== undefined ? { value: inspected.workspaceValue, source: 'workspace' } : undefined;
  // Patterns that only add protection (sensitive paths) are the union of every layer: a workspace adds, never removes.
  if (ADDITIVE_SETTINGS.has(name)) return { value: unionOfLayers(inspected, resolved), source: fromWorkspace?.source ?? base.source };
  if (!RESTRICTED_SETTINGS.includes(name)) return { value: resolved, source: fromWorkspace?.source ?? base.source };
  if (name === 'validateCommand' && !trusted) {
    const wanted = fromWorkspace?.value ?? base.value;
    return { value: '', source: 'default', ...(wanted ? { ignored: `rlm.validateCommand (${JSON.stringify(wanted)}) does not run in Restricted Mode: trust this folder to run it.` } : {}) };
  }
  if (!fromWorkspace || JSON.stringify(fromWorkspace.value) === JSON.stringify(base.value)) return base;
  const ignore = (why: string): SettingValue => ({ ...base, ignored: `rlm.${name} in the ${fromWorkspace.source} settings (${JSON.stringify(fromWorkspace.value)}) is ignored: ${why}` });
  if (USER_ONLY_SETTINGS.has(name)) return ignore('where code goes and what it costs are read from your user settings only.');
  if (!trusted) return ignore('this folder is not trusted (Restricted Mode), so models, limits and commands come from your user settings only.');
  if (LOWER_ONLY_SETTINGS.has(name as NumberSetting)) {
    const limit = name as NumberSetting;
    const yours = isValidNumber(limit, base.value) ? base.value : SETTING_DEFAULTS[limit];
    if (isValidNumber(limit, fromWorkspace.value) && lowers(limit, fromWorkspace.value, yours)) return fromWorkspace;
    return ignore(ZERO_IS_MODEL_DEFAULT.has(limit) && yours === 0
      ? 'a workspace may lower a number you set, and you set none (0: the model\'s own).'
      : `a workspace may lower this limit, never raise it above yours (${yours}).`);
  }
  if (OFF_ONLY_SETTINGS.has(name)) {
    return fromWorkspace.value === false ? fromWorkspace : ignore('a workspace may turn it off, never on against your settings.');
  }
  return fromWorkspace;
}

/** rlm.include, when IncludeRules can use every glob of it; else the whole folder, with a warning that says why. */
function includedFolders(globs: string[], refuse: (value: unknown, why: string) => string[]): string[] {
  try {
    new IncludeRules(globs);
    return globs;
  } catch (error) {
    return refuse(globs, `usable (${(error as Error).message.replace(/^include: /, '')})`);
  }
}

/** True when the workspace's value of a limit is below the user's. */
function lowers(name: NumberSetting, wanted: number, yours: number): boolean {
  if (ZERO_IS_MODEL_DEFAULT.has(name)) return wanted > 0 && yours > 0 && wanted < yours;
  const capOf = (value: number) => (ZERO_IS_NO_CAP.has(name) && value === 0 ? Infinity : value);
  return capOf(wanted) < capOf(yours);
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
  maxRequestsPerQuestion: { minimum: 0, integer: true },
  maxOutputTokens: { minimum: 0, integer: true },
  subMaxOutputTokens: { minimum: 0, integer: true },
  contextWindow: { minimum: 0, integer: true },
  subContextWindow: { minimum: 0, integer: true },
};

type NumberSetting = 'maxDepth' | 'maxIterations' | 'maxSubCalls' | 'concurrency' | 'cellTimeout' | 'maxCostPerQuestion' | 'maxRequestsPerQuestion'
  | 'maxOutputTokens' | 'subMaxOutputTokens' | 'contextWindow' | 'subContextWindow';

/** True when `value` is a number this setting takes (in its bounds, whole where it must be). */
function isValidNumber(name: NumberSetting, value: unknown): value is number {
  const bounds = NUMBER_BOUNDS[name];
  return typeof value === 'number' && Number.isFinite(value) && value >= bounds.minimum
    && (bounds.maximum === undefined || value <= bounds.maximum) && (!bounds.integer || Number.isInteger(value));
}

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
    const expected = `${bounds.integer ? 'a whole number' : 'a number'} from ${bounds.minimum}${bounds.maximum === undefined ? '' : ` to ${bounds.maximum}`}`;
    return isValidNumber(name, value) ? value : fallback(name, value, expected);
  };
  const flag = (name: 'allowInsecureHttp' | 'cacheSubCalls'): boolean => {
    const value = get(name) ?? SETTING_DEFAULTS[name];
    return typeof value === 'boolean' ? value : fallback(name, value, 'true or false');
  };
  const oneOf = <K extends 'reasoningEffort' | 'subReasoningEffort' | 'compactWith'>(name: K, allowed: readonly RlmSettings[K][]): RlmSettings[K] => {
    const value = get(name) ?? SETTING_DEFAULTS[name];
    return (allowed as readonly unknown[]).includes(value) ? (value as RlmSettings[K]) : fallback(name, value, `one of ${allowed.join(', ')}`);
  };
  const provider = get('provider') ?? SETTING_DEFAULTS.provider;
  let baseUrl = text('baseUrl');
  if (baseUrl !== '' && !isHttpUrl(baseUrl)) baseUrl = fallback('baseUrl', baseUrl, 'an http(s) URL such as http://127.0.0.1:11434/v1');
  const patterns = (name: 'excludes' | 'include' | 'sensitivePaths'): string[] => {
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
    maxRequestsPerQuestion: number('maxRequestsPerQuestion'),
    excludes: patterns('excludes'),
    include: includedFolders(patterns('include'), (value, why) => fallback('include', value, why)),
    validateCommand: text('validateCommand'),
    maxOutputTokens: number('maxOutputTokens'),
    subMaxOutputTokens: number('subMaxOutputTokens'),
    reasoningEffort: oneOf('reasoningEffort', EFFORT_SETTINGS),
    subReasoningEffort: oneOf('subReasoningEffort', EFFORT_SETTINGS),
    contextWindow: number('contextWindow'),
    subContextWindow: number('subContextWindow'),
    compactWith: oneOf('compactWith', COMPACT_WITH_SETTINGS),
    cacheSubCalls: flag('cacheSubCalls'),
    sensitivePaths: patterns('sensitivePaths'),
    allowInsecureHttp: flag('allowInsecureHttp'),
    prices: prices(get('prices') ?? SETTING_DEFAULTS.prices),
  };
  return { settings, warnings };

  function prices(value: unknown): Record<string, ModelPrice> {
    try {
      return parsePriceOverrides(JSON.stringify(value), 'rlm.prices');
    } catch (err) {
      warnings.push(`${(err as Error).message} Using none.`);
      return {};
    }
  }
}

/** The run limits the settings ask for: every limit is given, so a setting changed back to its default applies too. */
export function limitsFrom(settings: RlmSettings): RlmLimitsInput {
  return {
    maxDepth: settings.maxDepth,
    maxIterations: settings.maxIterations,
    maxSubCalls: settings.maxSubCalls,
    concurrency: settings.concurrency,
    maxCostUsd: maxCostUsd(settings),
    maxRequests: maxRequests(settings),
    sandbox: { cellTimeoutMs: Math.round(settings.cellTimeout * 1000) },
  };
}

/** The root and sub-model's reply caps, reasoning effort and windows, as createModelPair takes them. */
export function tuningFrom(settings: RlmSettings): { root: ModelTuning; sub: ModelTuning } {
  const effort = (e: EffortSetting): ReasoningEffort | undefined => (e === 'default' ? undefined : e);
  const positive = (n: number) => (n > 0 ? n : undefined);
  return {
    root: { maxOutputTokens: positive(settings.maxOutputTokens), reasoningEffort: effort(settings.reasoningEffort), contextWindow: positive(settings.contextWindow) },
    sub: { maxOutputTokens: positive(settings.subMaxOutputTokens), reasoningEffort: effort(settings.subReasoningEffort), contextWindow: positive(settings.subContextWindow) },
  };
}

/** The per-question cost cap in USD, Infinity for none (0 in the setting). */
export function maxCostUsd(settings: RlmSettings): number {
  return settings.maxCostPerQuestion > 0 ? settings.maxCostPerQuestion : Infinity;
}

/** The per-question cap on requests to models without a price, Infinity for none (0 in the setting). */
export function maxRequests(settings: RlmSettings): number {
  return settings.maxRequestsPerQuestion > 0 ? settings.maxRequestsPerQuestion : Infinity;
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
