// Turns the settings into models at question time: gathers what is there (keys, the editor's models, a local
// server when nothing else answers, what a server at rlm.baseUrl lists and charges), lets the plan decide, and
// builds the pair, through core's createModelPair for the HTTP providers and the editor adapter for vscode-lm.
// The `vscode` pieces come in through ModelSources, so this runs in plain Node tests against the fake server
// and the fake editor model.

import * as l10n from '@vscode/l10n';
import type { CostOf } from '../../core/loop/Budget';
import type { ModelPair } from '../../core/loop/options';
import { ConfigError } from '../../core/models/configError';
import type { LocalServer } from '../../core/models/localServers';
import type { ModelListing } from '../../core/models/modelListing';
import { createModelPair } from '../../core/models/modelPair';
import type { PriceTable } from '../../core/models/pricing';
import { ModelError, type ChatModel } from '../../core/models/types';
import { ACTIONS, inEditorTerms, SetupProblem } from '../problems';
import { KEYED_PROVIDERS, tuningFrom, type KeyedProvider, type RlmSettings } from '../settings';
import { endpointOf } from './apiKeys';
import { editorChatModel, type EditorLanguageModel, type EditorLmApi, type EditorModelOptions } from './editorModel';
import { pickEditorModel, planProvider, priceTableFor, wantsLocalServer, type ProviderPlan, type SetupFacts } from './providerPlan';

export interface ModelSources<M = unknown> {
  /** vscode.lm.selectChatModels(): every model the editor offers now. */
  editorModels(): Promise<ReadonlyArray<EditorLanguageModel<M>>>;
  editorApi: EditorLmApi<M>;
  /**
   * The key saved for `provider` at the origin of `baseUrl` (absent: the provider's own API), if any. A key saved
   * for another origin is never given: it must not reach another server.
   */
  key(provider: KeyedProvider, baseUrl: string | undefined): Promise<string | undefined>;
  /** A server on a usual local port (the caller may cache the answer for a few seconds). */
  findLocalServer(): Promise<LocalServer | undefined>;
  /** What an OpenAI-compatible server lists: its models and, where it says, their prices (the caller may cache it). */
  listModels?(baseUrl: string, key: string | undefined): Promise<ModelListing>;
  /** The built-in price table (tests replace it); the server's prices and rlm.prices go on top. */
  prices?: PriceTable;
  /** Retry tuning for the editor's models (tests shorten the delays). */
  editorModelOptions?: EditorModelOptions;
}

/** What a question is asked with. */
export interface PreparedModels {
  models: ModelPair;
  costOf: CostOf;
  /** The provider that answers (for messages and the fixes they offer). */
  provider: 'vscode-lm' | KeyedProvider;
  /** The key in use, to redact wherever text leaves the engine. */
  key?: string;
  /** One line for the log: who answers, which models. */
  description: string;
}

/**
 * What is there to answer with; the local ports are probed only when nothing else would answer, and a server at
 * rlm.baseUrl is asked for its model list (and prices) only when it is the one that would answer. `facts` may
 * bring what the caller knows about the window (trust, a virtual folder).
 */
export async function gatherFacts<M>(settings: RlmSettings, sources: ModelSources<M>, known: Pick<SetupFacts, 'trusted' | 'virtualFolder'> = {}): Promise<{ facts: SetupFacts; editorModels: ReadonlyArray<EditorLanguageModel<M>> }> {
  const [editorModels, keys] = await Promise.all([sources.editorModels().catch(() => []), providersWithKeys(settings, sources.key)]);
  const facts: SetupFacts = { ...known, editorModels, keys };
  if (wantsLocalServer(settings, facts)) facts.localServer = await sources.findLocalServer();
  const plan = planProvider(settings, facts);
  if (plan.kind === 'api' && plan.baseUrl && plan.provider !== 'anthropic' && !plan.localServer && sources.listModels) {
    facts.listing = await sources.listModels(plan.baseUrl, await sources.key(plan.provider, plan.baseUrl));
  }
  return { facts, editorModels };
}

/** The providers with a key saved for where the settings send them. */
export async function providersWithKeys(settings: RlmSettings, key: ModelSources['key']): Promise<Set<KeyedProvider>> {
  const keyed = await Promise.all(KEYED_PROVIDERS.map(async (p) => ((await key(p, endpointOf(p, settings))) ? p : undefined)));
  return new Set(keyed.filter((p): p is KeyedProvider => p !== undefined));
}

/**
 * The models for the next question. Throws SetupProblem when nothing can answer (with the fix), ConfigError
 * or ModelError when the provider refuses (a server that lists no models, one that cannot be reached).
 */
export async function prepareModels<M>(settings: RlmSettings, sources: ModelSources<M>, known: Pick<SetupFacts, 'trusted' | 'virtualFolder'> = {}): Promise<PreparedModels> {
  const { facts, editorModels } = await gatherFacts(settings, sources, known);
  const plan = planProvider(settings, facts);
  const prices = priceTableFor(settings, facts, sources.prices);
  const costOf: CostOf = (model, usage) => prices.costUsd(model, usage);
  switch (plan.kind) {
    case 'unavailable':
      throw new SetupProblem(plan.problem);
    case 'vscode-lm':
      return editorModelsFor(plan, editorModels, sources);
    case 'api':
      return apiModelsFor(plan, sources, prices, costOf, settings);
  }
}

function editorModelsFor<M>(plan: Extract<ProviderPlan, { kind: 'vscode-lm' }>, available: ReadonlyArray<EditorLanguageModel<M>>, sources: ModelSources<M>): PreparedModels {
  const find = (id: string) => available.find((m) => m.id === id)!;
  return editorModelPair(find(plan.root.id), find(plan.sub.id), sources);
}

/** Two of the editor's models as a question's pair (the same model once when they are one); `byName` finds any other. */
export function editorModelPair<M>(rootModel: EditorLanguageModel<M>, subModel: EditorLanguageModel<M>, sources: ModelSources<M>): PreparedModels {
  const made = new Map<string, ChatModel>();
  const model = (lm: EditorLanguageModel<M>): ChatModel => {
    let chat = made.get(lm.id);
    if (!chat) made.set(lm.id, (chat = editorChatModel(lm, sources.editorApi, sources.editorModelOptions)));
    return chat;
  };
  const root = model(rootModel);
  const sub = model(subModel);
  const byName = async (name: string): Promise<ChatModel> => {
    const lm = pickEditorModel(await sources.editorModels(), name);
    if (!lm) throw new ModelError(l10n.t('The editor offers no language model called "{0}".', name), 'bad_request');
    return model(lm);
  };
  return {
    models: { root, sub, byName },
    // The editor's models are the user's subscription: no price per token is known, so the request cap governs them.
    costOf: () => undefined,
    provider: 'vscode-lm',
    description: `the editor's models: ${root.name} (root), ${sub.name} (sub-calls)`,
  };
}

async function apiModelsFor(plan: Extract<ProviderPlan, { kind: 'api' }>, sources: ModelSources, prices: PriceTable, costOf: CostOf, settings: RlmSettings): Promise<PreparedModels> {
  const key = await sources.key(plan.provider, plan.baseUrl);
  try {
    const models = await createModelPair({
      provider: plan.provider === 'anthropic' ? 'anthropic' : 'openai',
      baseUrl: plan.baseUrl,
      model: plan.rootModel,
      subModel: plan.subModel,
      apiKey: key,
      // Keys come from SecretStorage only: never from the editor's environment.
      env: {},
      prices,
      ...tuningFrom(settings),
    });
    const where = plan.localServer ? `${plan.localServer.name} at ${plan.baseUrl}` : plan.baseUrl ? `the server at ${plan.baseUrl}` : plan.provider;
    return { models, costOf, provider: plan.provider, key, description: `${where}: ${models.root.name} (root), ${models.sub.name} (sub-calls)` };
  } catch (err) {
    if (err instanceof ConfigError && /lists no models/.test(err.message)) {
      throw new SetupProblem({
        message: l10n.t('The server at {0} lists no models: load or pull one there (for Ollama: `ollama pull qwen2.5-coder`), or name one in rlm.rootModel.', plan.baseUrl ?? ''),
        actions: [ACTIONS.openSettings('rlm.rootModel'), ACTIONS.refreshSetup()],
      });
    }
    if (err instanceof ModelError && err.kind === 'auth') {
      throw new SetupProblem({ message: inEditorTerms(err.message), actions: [ACTIONS.setApiKey(plan.provider), ACTIONS.selectModel()] });
    }
    if (err instanceof ConfigError) {
      throw new SetupProblem({ message: inEditorTerms(err.message), actions: [ACTIONS.setApiKey(plan.provider), ACTIONS.selectModel()] });
    }
    if (err instanceof ModelError && err.kind === 'unreachable' && plan.baseUrl) {
      throw new SetupProblem({
        message: l10n.t('Could not reach {0}: is the server running? {1}', plan.baseUrl, inEditorTerms(err.message)),
        actions: [ACTIONS.openSettings('rlm.baseUrl'), ACTIONS.selectModel()],
      });
    }
    throw err;
  }
}
