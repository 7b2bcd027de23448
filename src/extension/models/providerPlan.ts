// Which models answer, decided from the settings and what is there: the keys in SecretStorage, the editor's
// language models, a local server on its usual port. One decision serves both the set-up status the chat shows
// and the models a question is asked with, so the two never disagree.
//
// `auto` (the default) takes, in order: a base URL the user set (an OpenAI-compatible server), a key the user
// set (OpenAI, then Anthropic), the editor's own models. With none of those, a server found on a usual local
// port is offered (one click pins it in the settings); `openai-compatible` without a URL uses it at once. A
// deliberate setting wins over what merely happens to be installed.
//
// Nothing answers from a window whose folders are not on this machine (a virtual workspace), nor through plain
// http:// to another machine unless the user allowed it.

import * as l10n from '@vscode/l10n';
import { isInsecureRemoteUrl } from '../../core/models/endpoints';
import type { LocalServer } from '../../core/models/localServers';
import type { ModelListing } from '../../core/models/modelListing';
import { DEFAULT_MODELS } from '../../core/models/modelPair';
import { defaultPriceTable, type PriceTable } from '../../core/models/pricing';
import type { SetupStatus } from '../../protocol/messages';
import { ACTIONS, type Problem } from '../problems';
import { maxCostUsd, maxRequests, providerLabel, type KeyedProvider, type RlmSettings } from '../settings';

/** One of the editor's language models, as the plan needs to know it. */
export interface EditorModelInfo {
  id: string;
  name: string;
  family: string;
  vendor: string;
}

/** What is there to answer with, gathered before deciding. */
export interface SetupFacts {
  editorModels: readonly EditorModelInfo[];
  /** Providers with a key in SecretStorage. */
  keys: ReadonlySet<KeyedProvider>;
  /** A server found on a usual local port (only looked for when nothing else is set up). */
  localServer?: LocalServer;
  /** What the OpenAI-compatible server at rlm.baseUrl lists: its models, and their prices where it says. */
  listing?: ModelListing;
  /** False in Restricted Mode: the workspace's settings were not read (absent: trusted). */
  trusted?: boolean;
  /** A folder of the window that is not on this machine (vscode-vfs://...), when none is: nothing can be read. */
  virtualFolder?: string;
}

/** The one line the chat shows in Restricted Mode: what it turns off. */
export const RESTRICTED_NOTE = "Restricted Mode: this folder's settings for models, limits and commands are ignored, and no command runs.";

export type ProviderPlan =
  | { kind: 'vscode-lm'; root: EditorModelInfo; sub: EditorModelInfo }
  | {
    kind: 'api';
    provider: KeyedProvider;
    /** Absent: the provider's own API. */
    baseUrl?: string;
    /** Absent: the provider's default (the server's first listed model for a server). */
    rootModel?: string;
    subModel?: string;
    /** Set when the server is the one the search found. */
    localServer?: LocalServer;
  }
  | { kind: 'unavailable'; problem: Problem };

export function planProvider(settings: RlmSettings, facts: SetupFacts): ProviderPlan {
  const models = { rootModel: settings.rootModel || undefined, subModel: settings.subModel || undefined };
  const baseUrl = settings.baseUrl || undefined;
  if (facts.virtualFolder !== undefined) return { kind: 'unavailable', problem: notOnThisMachine(facts.virtualFolder) };
  if (baseUrl && settings.provider !== 'vscode-lm' && isInsecureRemoteUrl(baseUrl) && !settings.allowInsecureHttp) {
    return { kind: 'unavailable', problem: insecureUrl(baseUrl) };
  }
  switch (settings.provider) {
    case 'vscode-lm':
      return editorPlan(settings, facts) ?? { kind: 'unavailable', problem: noEditorModels() };
    case 'openai':
    case 'anthropic':
      if (!facts.keys.has(settings.provider) && !baseUrl) return { kind: 'unavailable', problem: missingKey(settings.provider) };
      return { kind: 'api', provider: settings.provider, baseUrl, ...models };
    case 'openai-compatible':
      if (baseUrl) return { kind: 'api', provider: 'openai-compatible', baseUrl, ...models };
      return localPlan(settings, facts) ?? { kind: 'unavailable', problem: noServerUrl() };
    case 'auto': {
      if (baseUrl) return { kind: 'api', provider: 'openai-compatible', baseUrl, ...models };
      for (const provider of ['openai', 'anthropic'] as const) {
        if (facts.keys.has(provider)) return { kind: 'api', provider, ...models };
      }
      return editorPlan(settings, facts) ?? offerLocalServer(facts.localServer) ?? { kind: 'unavailable', problem: nothingSetUp() };
    }
  }
}

/** True when the plan would look for a local server: nothing else answers, and the setting allows one. */
export function wantsLocalServer(settings: RlmSettings, facts: SetupFacts): boolean {
  return (settings.provider === 'auto' || settings.provider === 'openai-compatible') && planProvider(settings, facts).kind === 'unavailable';
}

/** The prices a question is charged at: the built-in table, then what the server lists, then the user's rlm.prices. */
export function priceTableFor(settings: RlmSettings, facts: SetupFacts, base: PriceTable = defaultPriceTable): PriceTable {
  const listed = facts.listing?.prices ?? {};
  return base.withOverrides(listed).withOverrides(settings.prices);
}

/** The set-up the Chat view shows: ready or not, with what answers (before anything is spent), and the fix when nothing does. */
export function setupStatus(settings: RlmSettings, facts: SetupFacts, prices = priceTableFor(settings, facts)): SetupStatus {
  const plan = planProvider(settings, facts);
  const cap = maxCostUsd(settings);
  const requestCap = maxRequests(settings);
  const common = {
    maxCostUsd: Number.isFinite(cap) ? cap : null,
    ...(facts.trusted === false ? { restricted: { message: RESTRICTED_NOTE, actions: [ACTIONS.manageTrust()] } } : {}),
  };
  // Models whose cost the dollar cap cannot see: the request cap governs them, and the chat says so.
  const unpricedOf = (models: Array<string | undefined>, priced: (model: string) => boolean) => {
    const unpriced = [...new Set(models.filter((m): m is string => m !== undefined && !priced(m)))];
    return unpriced.length === 0 ? {} : { unpriced: { models: unpriced, maxRequests: Number.isFinite(requestCap) ? requestCap : null } };
  };
  const localServer = facts.localServer ? { url: facts.localServer.baseUrl, models: facts.localServer.models } : undefined;
  switch (plan.kind) {
    case 'vscode-lm':
      return { ready: true, provider: 'vscode-lm', rootModel: plan.root.name, subModel: plan.sub.name, ...common, ...unpricedOf([plan.root.name, plan.sub.name], () => false) };
    case 'api': {
      const defaults = plan.provider === 'openai-compatible' || plan.baseUrl ? undefined : DEFAULT_MODELS[plan.provider];
      const listed = plan.localServer?.models[0] ?? facts.listing?.models[0];
      const rootModel = plan.rootModel ?? defaults?.root ?? listed;
      const subModel = plan.subModel ?? defaults?.sub ?? rootModel;
      return {
        ready: true,
        provider: plan.provider,
        ...(rootModel ? { rootModel } : {}),
        ...(subModel ? { subModel } : {}),
        ...common,
        ...unpricedOf([rootModel, subModel], (m) => prices.lookup(m).known),
        ...(plan.localServer ? { localServer } : {}),
      };
    }
    case 'unavailable':
      return { ready: false, provider: settings.provider, ...common, problem: plan.problem, ...(localServer ? { localServer } : {}) };
  }
}

/** A model of the editor by id, family or name (in that order, case-insensitive); the first one offered for ''. */
export function pickEditorModel<T extends EditorModelInfo>(models: readonly T[], wanted: string): T | undefined {
  if (wanted === '') return models[0];
  const w = wanted.toLowerCase();
  return models.find((m) => m.id.toLowerCase() === w) ?? models.find((m) => m.family.toLowerCase() === w) ?? models.find((m) => m.name.toLowerCase() === w);
}

function editorPlan(settings: RlmSettings, facts: SetupFacts): ProviderPlan | undefined {
  if (facts.editorModels.length === 0) return undefined;
  const root = pickEditorModel(facts.editorModels, settings.rootModel);
  const sub = settings.subModel ? pickEditorModel(facts.editorModels, settings.subModel) : root;
  const missing = !root ? settings.rootModel : !sub ? settings.subModel : undefined;
  if (missing !== undefined || !root || !sub) {
    return { kind: 'unavailable', problem: {
      message: l10n.t('The editor offers no language model called "{0}" (it has {1}).', missing ?? '', facts.editorModels.map((m) => m.id).join(', ')),
      actions: [ACTIONS.selectModel(), ACTIONS.openSettings(missing === settings.rootModel ? 'rlm.rootModel' : 'rlm.subModel')],
    } };
  }
  return { kind: 'vscode-lm', root, sub };
}

function localPlan(settings: RlmSettings, facts: SetupFacts): ProviderPlan | undefined {
  const server = facts.localServer;
  if (!server) return undefined;
  if (server.models.length === 0 && !settings.rootModel) return { kind: 'unavailable', problem: noModelOn(server) };
  return { kind: 'api', provider: 'openai-compatible', baseUrl: server.baseUrl, rootModel: settings.rootModel || undefined, subModel: settings.subModel || undefined, localServer: server };
}

function notOnThisMachine(folder: string): Problem {
  return {
    message: l10n.t("Questions need the workspace's files on this machine, and {0} is not (a virtual workspace). Clone the repository and open the folder to ask about it. Traces (*.rlm.jsonl) still open here.", folder),
    actions: [ACTIONS.openFolder()],
  };
}

function insecureUrl(baseUrl: string): Problem {
  return {
    message: l10n.t('rlm.baseUrl is {0}: plain http:// to another machine would send your code and API key across the network unencrypted. Use https://, or, on a network you trust, turn on rlm.allowInsecureHttp in your user settings.', baseUrl),
    actions: [ACTIONS.openSettings('rlm.baseUrl'), ACTIONS.openSettings('rlm.allowInsecureHttp')],
  };
}

function missingKey(provider: 'openai' | 'anthropic'): Problem {
  return {
    message: l10n.t("No {0} API key is set. Set one (it is kept in the editor's secret storage, never in settings), or pick another provider.", providerLabel(provider)),
    actions: [ACTIONS.setApiKey(provider), ACTIONS.selectModel()],
  };
}

function noEditorModels(): Problem {
  return {
    message: l10n.t('The editor offers no language models. Install an extension that provides them (GitHub Copilot, for example), or pick another provider: OpenAI, Anthropic, or a local server.'),
    actions: [ACTIONS.selectModel(), ACTIONS.setApiKey(), ACTIONS.refreshSetup()],
  };
}

function noServerUrl(): Problem {
  return {
    message: l10n.t('No OpenAI-compatible server is set, and none answers on the usual local ports (Ollama 11434, LM Studio 1234, llama.cpp 8080). Set its address in rlm.baseUrl, for example http://127.0.0.1:11434/v1.'),
    actions: [ACTIONS.openSettings('rlm.baseUrl'), ACTIONS.refreshSetup()],
  };
}

function nothingSetUp(): Problem {
  return {
    message: l10n.t("Choose how RLM reaches a model: use the editor's language models (from an extension such as GitHub Copilot), set an API key for OpenAI or Anthropic, or start a local server (Ollama, LM Studio or llama.cpp; it is found on its usual port)."),
    actions: [ACTIONS.setApiKey(), ACTIONS.selectModel(), ACTIONS.openSettings(), ACTIONS.refreshSetup()],
  };
}

/** `auto` found a server nobody asked for: it is offered, not used, until the user says so. */
function offerLocalServer(server: LocalServer | undefined): ProviderPlan | undefined {
  if (!server) return undefined;
  if (server.models.length === 0) return { kind: 'unavailable', problem: noModelOn(server) };
  const models = server.models.length > 3 ? l10n.t('{0} and {1} more', server.models.slice(0, 3).join(', '), server.models.length - 3) : server.models.join(', ');
  return { kind: 'unavailable', problem: {
    message: l10n.t('{0} answers at {1} (models: {2}). Use it to answer questions about this workspace, or set up another provider.', server.name, server.baseUrl, models),
    actions: [ACTIONS.useLocalServer(server), ACTIONS.setApiKey(), ACTIONS.selectModel()],
  } };
}

function noModelOn(server: LocalServer): Problem {
  return {
    message: l10n.t('{0} answers at {1} but has no model yet: load or pull one there (for Ollama: `ollama pull qwen2.5-coder`), then look again.', server.name, server.baseUrl),
    actions: [ACTIONS.refreshSetup(), ACTIONS.setApiKey(), ACTIONS.selectModel()],
  };
}
