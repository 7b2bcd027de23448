// The two models of a run, chosen the same way wherever the engine runs (CLI, editor, library): a strong root
// model and a cheap sub-model, the paper's pairing, with per-provider defaults; a local server usually serves
// one model, so there the root is whatever it lists and the sub-model is the same one.

import { createModel, type ModelConfig } from './createModel';
import type { ChatModel } from './types';

export interface ModelPair {
  root: ChatModel;
  sub: ChatModel;
  /** Resolves `llm_query(prompt, {model})` names; without it only the sub-model's own name is accepted. */
  byName?: (name: string) => ChatModel | Promise<ChatModel>;
}

/** The providers' own APIs: a strong root and its cheap sibling for sub-calls. */
export const DEFAULT_MODELS = {
  openai: { root: 'gpt-5', sub: 'gpt-5-mini' },
  anthropic: { root: 'claude-sonnet-4-5', sub: 'claude-haiku-4-5' },
} as const satisfies Record<ModelConfig['provider'], { root: string; sub: string }>;

/** What may differ between the root model and the sub-model on the same endpoint. */
export type ModelTuning = Pick<ModelConfig, 'maxOutputTokens' | 'reasoningEffort' | 'contextWindow'>;

/** Everything createModel takes except the model name and tuning, plus the two names and their tunings. */
export interface ModelPairConfig extends Omit<ModelConfig, 'model' | keyof ModelTuning> {
  /** Root model; absent: DEFAULT_MODELS for the provider's API, 'auto' (the first listed) with a base URL. */
  model?: string;
  /** Sub-call model; absent: DEFAULT_MODELS for the provider's API, the root model with a base URL. */
  subModel?: string;
  /** The root model's output cap, reasoning effort and window (also the sub-model's window when it is the same model). */
  root?: ModelTuning;
  /**
   * The sub-model's, which child runs (rlm_query) take as their root; the output cap and effort also for models
   * llm_query names, each of which keeps its own window. Each absent field: the provider's default (the price table's window).
   */
  sub?: ModelTuning;
}

/**
 * Creates the root and sub-model, sharing one ChatModel when they are the same, and a `byName` that creates
 * (once) any other model the model code asks for by name on the same endpoint with the same settings.
 * Rejects with a ConfigError (missing key, no model listed, bad setting) or a ModelError (server unreachable
 * while resolving 'auto').
 */
export async function createModelPair(config: ModelPairConfig): Promise<Required<ModelPair>> {
  const { model, subModel, root: rootTuning = {}, sub: given = {}, ...common } = config;
  const local = Boolean(config.baseUrl?.trim());
  const defaults = DEFAULT_MODELS[config.provider] ?? DEFAULT_MODELS.openai;
  const root = await createModel({ ...common, ...rootTuning, model: model ?? (local ? 'auto' : defaults.root) });
  const subName = subModel ?? (local ? root.name : defaults.sub);
  // The same model has the same window, whichever role it plays.
  const subTuning = subName === root.name && given.contextWindow === undefined ? { ...given, contextWindow: rootTuning.contextWindow } : given;
  const sameTuning = rootTuning.maxOutputTokens === subTuning.maxOutputTokens && rootTuning.reasoningEffort === subTuning.reasoningEffort
    && rootTuning.contextWindow === subTuning.contextWindow;
  const sub = subName === root.name && sameTuning ? root : await createModel({ ...common, ...subTuning, model: subName });
  const cache = new Map<string, Promise<ChatModel>>([[sub.name, Promise.resolve(sub)]]);
  if (sameTuning) cache.set(root.name, Promise.resolve(root));
  // A window belongs to a model, not to a role: another model named by llm_query does not get the sub-model's.
  const windowOf = (name: string) => (name === subName ? subTuning.contextWindow : name === root.name ? rootTuning.contextWindow : undefined);
  const byName = (name: string): Promise<ChatModel> => {
    let created = cache.get(name);
    if (!created) {
      created = createModel({ ...common, ...subTuning, contextWindow: windowOf(name), model: name });
      // A failure is not remembered: the next ask may succeed (a server that was starting up).
      created.catch(() => cache.delete(name));
      cache.set(name, created);
    }
    return created;
  };
  return { root, sub, byName };
}
