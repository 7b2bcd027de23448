// The models for a question asked in VS Code's own Chat view: the model the user picked there writes the code
// (the root). Sub-calls go to the model rlm.subModel names among the editor's, else to a cheaper member of the
// picked model's family from the same vendor (gpt-4o -> gpt-4o-mini, claude-sonnet -> claude-haiku), else to the
// picked model itself. The editor's models have no price: the request cap governs them, as in the sidebar.

import type { RlmSettings } from '../settings';
import type { EditorLanguageModel } from './editorModel';
import { editorModelPair, type ModelSources, type PreparedModels } from './modelSetup';
import { pickEditorModel, type EditorModelInfo } from './providerPlan';

/** Words that mark the small, cheap member of a model family. */
const CHEAP = /(?:^|[-_. ])(mini|nano|haiku|flash|lite|small|tiny)(?:$|[-_. \d])/i;

export async function pickedModelPair<M>(picked: EditorLanguageModel<M>, settings: RlmSettings, sources: ModelSources<M>): Promise<PreparedModels> {
  const available = await sources.editorModels();
  const wanted = settings.subModel ? pickEditorModel(available, settings.subModel) : undefined;
  const sub = wanted ?? cheaperSibling(picked, available) ?? picked;
  const prepared = editorModelPair(picked, sub, sources);
  return { ...prepared, description: `the model picked in the Chat view: ${prepared.description}` };
}

/**
 * The cheap member of `picked`'s family the same vendor offers: one whose id or family has a cheap marker when
 * `picked`'s has none, the closest in name to `picked`'s family. Undefined when there is none, or when the picked
 * model is already the cheap one.
 */
export function cheaperSibling<T extends EditorModelInfo>(picked: EditorModelInfo, available: readonly T[]): T | undefined {
  if (isCheap(picked)) return undefined;
  const candidates = available.filter((m) => m.vendor === picked.vendor && m.id !== picked.id && isCheap(m));
  let best: T | undefined;
  let bestShared = 0;
  for (const m of candidates) {
    const shared = Math.max(sharedPrefix(m.family, picked.family), sharedPrefix(m.id, picked.id));
    if (shared > bestShared) [best, bestShared] = [m, shared];
  }
  // Nothing in common but the vendor (another line of models altogether): not a sibling.
  return bestShared >= 3 ? best : undefined;
}

function isCheap(model: EditorModelInfo): boolean {
  return CHEAP.test(model.family) || CHEAP.test(model.id);
}

function sharedPrefix(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let n = 0;
  while (n < x.length && n < y.length && x[n] === y[n]) n++;
  return n;
}
