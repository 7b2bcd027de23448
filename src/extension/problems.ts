// What went wrong, said for the chat, with the buttons that fix it: a missing key (Set API Key), an
// unreachable endpoint (open the setting), an unknown model (pick another), an exhausted budget (raise it).
// The engine words its errors for the terminal (flags, environment variables); inEditorTerms says the same
// in the editor's vocabulary (settings, commands).

import * as l10n from '@vscode/l10n';
import { ConfigError } from '../core/models/configError';
import type { LocalServer } from '../core/models/localServers';
import { ModelError } from '../core/models/types';
import type { StopReason } from '../core/trajectory/events';
import type { Action } from '../protocol/messages';
import { COMMANDS, EDITOR_COMMANDS } from './commandIds';
import type { KeyedProvider } from './settings';

export interface Problem {
  message: string;
  actions: Action[];
}

/** A set-up that cannot answer yet (no key, no model, no server): thrown before a question starts. */
export class SetupProblem extends Error {
  constructor(readonly problem: Problem) {
    super(problem.message);
    this.name = 'SetupProblem';
  }
}

/** The buttons, built in one place so the webview's allow-list (webviewMessages.ts) can be checked against them. */
export const ACTIONS = {
  setApiKey: (provider?: KeyedProvider): Action => ({ label: l10n.t('Set API Key'), command: COMMANDS.setApiKey, ...(provider ? { args: [provider] } : {}) }),
  selectModel: (): Action => ({ label: l10n.t('Select Provider and Model'), command: COMMANDS.selectModel }),
  openSettings: (setting = 'rlm.'): Action => ({ label: setting === 'rlm.' ? l10n.t('Open Settings') : l10n.t('Open Setting {0}', setting), command: EDITOR_COMMANDS.openSettings, args: [setting] }),
  useLocalServer: (server: LocalServer): Action => ({ label: l10n.t('Use {0}', server.name), command: COMMANDS.useLocalServer }),
  refreshSetup: (): Action => ({ label: l10n.t('Look Again'), command: COMMANDS.refreshSetup }),
  showLog: (): Action => ({ label: l10n.t('Show Log'), command: COMMANDS.showLog }),
  openFolder: (): Action => ({ label: l10n.t('Open Folder'), command: EDITOR_COMMANDS.openFolder }),
  manageTrust: (): Action => ({ label: l10n.t('Manage Workspace Trust'), command: EDITOR_COMMANDS.manageTrust }),
};

/** Where the failed question was headed: decides which key or setting the fix names. */
export interface ProblemContext {
  /** The provider that answered, as the plan chose it. */
  provider: 'vscode-lm' | KeyedProvider;
}

/** An error thrown while setting up or running a question, for the chat. */
export function problemFromError(err: unknown, context: ProblemContext): Problem {
  if (err instanceof SetupProblem) return err.problem;
  if (err instanceof ModelError) return problemFromModelError(err, context);
  if (err instanceof ConfigError) {
    return { message: inEditorTerms(err.message), actions: context.provider === 'vscode-lm' ? [ACTIONS.selectModel()] : [ACTIONS.setApiKey(context.provider), ACTIONS.selectModel()] };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { message: l10n.t('Something went wrong: {0} The log has the details.', inEditorTerms(message)), actions: [ACTIONS.showLog()] };
}

export function problemFromModelError(err: ModelError, context: ProblemContext): Problem {
  const message = inEditorTerms(err.message);
  const editor = context.provider === 'vscode-lm';
  switch (err.kind) {
    case 'auth':
      return { message, actions: editor ? [ACTIONS.selectModel()] : [ACTIONS.setApiKey(context.provider as KeyedProvider), ACTIONS.selectModel()] };
    case 'unreachable':
      return { message, actions: [ACTIONS.openSettings('rlm.baseUrl'), ACTIONS.selectModel()] };
    case 'bad_request':
      return { message, actions: [ACTIONS.selectModel(), ACTIONS.openSettings('rlm.rootModel')] };
    case 'context_overflow':
      return { message, actions: [ACTIONS.selectModel()] };
    case 'rate_limited':
      return { message, actions: editor ? [ACTIONS.selectModel()] : [ACTIONS.openSettings('rlm.concurrency'), ACTIONS.selectModel()] };
    case 'cancelled':
      return { message, actions: [] };
    default:
      return { message, actions: [ACTIONS.showLog()] };
  }
}

/**
 * Why a finished run did not end on a final answer, and what fixes it; undefined for a final answer. A run
 * that failed on a model error names it through `modelError` (the root model's last failure).
 */
export function problemFromStop(stopReason: StopReason, detail: string | undefined, context: ProblemContext, modelError?: ModelError): Problem | undefined {
  const said = inEditorTerms(detail ?? '');
  switch (stopReason) {
    case 'final':
      return undefined;
    case 'max_cost':
      return { message: l10n.t('Stopped: {0}. The answer is the best the run had. Raise rlm.maxCostPerQuestion to let questions spend more.', said), actions: [ACTIONS.openSettings('rlm.maxCostPerQuestion')] };
    case 'max_iterations':
      return { message: l10n.t('Stopped: {0}. The answer is the best the run had. Raise rlm.maxIterations, or ask a narrower question.', said || l10n.t('the run used all its turns')), actions: [ACTIONS.openSettings('rlm.maxIterations')] };
    case 'max_sub_calls':
      return { message: l10n.t('Stopped: {0}. The answer is the best the run had. Raise rlm.maxSubCalls if the question needs more sub-calls.', said), actions: [ACTIONS.openSettings('rlm.maxSubCalls')] };
    case 'max_requests':
      return { message: l10n.t("Stopped: {0}. The answer is the best the run had. Each request to a model with no known price counts (for the editor's models, against your plan). Raise rlm.maxRequestsPerQuestion to allow more, or give the model a price in rlm.prices so the cost cap governs it.", said), actions: [ACTIONS.openSettings('rlm.maxRequestsPerQuestion')] };
    case 'max_tokens':
    case 'timeout':
      return { message: l10n.t('Stopped: {0}. The answer is the best the run had.', said), actions: [] };
    case 'cancelled':
      return { message: l10n.t('Stopped.'), actions: [] };
    case 'error':
      if (modelError && (detail === undefined || detail.includes(modelError.message))) return problemFromModelError(modelError, context);
      return { message: l10n.t('The run failed: {0}', said || l10n.t('no details')), actions: [ACTIONS.showLog()] };
  }
}

// Terminal words in the engine's messages, and what the editor calls the same thing.
const EDITOR_TERMS: Array<[RegExp, string]> = [
  [/Could not pick a model for --model auto: /g, "Could not list the server's models: "],
  [/set (OPENAI|ANTHROPIC)_API_KEY or pass the key in the configuration/g, 'set its key with "RLM: Set API Key"'],
  [/\b(?:OPENAI|ANTHROPIC)_API_KEY\b/g, 'the API key ("RLM: Set API Key")'],
  [/--base-url\b/g, 'rlm.baseUrl'],
  [/--sub-model\b/g, 'rlm.subModel'],
  [/--model auto\b/g, 'the first model the server lists'],
  [/--model( NAME)?\b/g, 'rlm.rootModel'],
  [/--max-cost\b/g, 'rlm.maxCostPerQuestion'],
  [/--max-requests\b/g, 'rlm.maxRequestsPerQuestion'],
  [/--max-iterations\b/g, 'rlm.maxIterations'],
  [/--max-sub-calls\b/g, 'rlm.maxSubCalls'],
  [/--concurrency\b/g, 'rlm.concurrency'],
];

/** An engine message with its command-line hints turned into the editor's settings and commands. */
export function inEditorTerms(message: string): string {
  let out = message;
  for (const [pattern, replacement] of EDITOR_TERMS) out = out.replace(pattern, replacement);
  return out;
}
