// RLM's MCP server as VS Code is offered it for a folder (mcpDefinitions.ts): whether it can run at all, and its flags
// and environment. It is a process of its own, outside the extension host, so the editor's language models are no use
// to it: it is offered only when the settings name a provider it can reach by itself (a saved key for OpenAI or
// Anthropic, an OpenAI-compatible server at rlm.baseUrl or the local one found), decided as the sidebar decides
// (providerPlan.ts) with the editor's models left out. No `vscode` here: test/extension/integrations/mcpDefinitions.test.ts
// checks the CLI parses the flags to the same limits and prices.

import type { Log } from '../log';
import { planProvider, type SetupFacts } from '../models/providerPlan';
import type { KeyedProvider, RlmSettings } from '../settings';

/** Where the server's key goes when VS Code starts it: the variable the CLI reads it from. */
export interface McpServerKey {
  provider: KeyedProvider;
  baseUrl?: string;
  variable: 'OPENAI_API_KEY' | 'ANTHROPIC_API_KEY';
}

export type McpServer =
  | {
    offered: true;
    args: string[];
    /** Beside the editor's environment; null removes a variable from it. No key: that is added only at start. */
    env: Record<string, string | null>;
    key: McpServerKey;
  }
  | { offered: false; why: string };

/** The environment's keys and endpoint, which the extension never reads: the server uses what the settings say. */
const NOT_FROM_THE_EDITOR = { OPENAI_API_KEY: null, ANTHROPIC_API_KEY: null, RLM_API_URL: null };

/** What the editor's models cannot do, and what would let the server run. */
const EDITOR_MODELS_ONLY = 'only the editor can use them, not a process it starts. Set an OpenAI or Anthropic key ("RLM: Set API Key") or rlm.baseUrl (an OpenAI-compatible server such as Ollama), and VS Code is offered RLM\'s MCP server.';

/** The MCP server for `folder` with these settings, or why none can run; `facts` as the sidebar knows them (its editor models are not used). */
export function mcpServer(settings: RlmSettings, facts: Omit<SetupFacts, 'editorModels'>, folder: string): McpServer {
  const plan = planProvider(settings, { ...facts, editorModels: [] });
  if (plan.kind !== 'api') return { offered: false, why: whyNotOffered(settings, facts, plan) };
  const anthropic = plan.provider === 'anthropic';
  const args = ['mcp', '--workspace', folder, '--provider', anthropic ? 'anthropic' : 'openai'];
  if (plan.baseUrl) args.push('--base-url', plan.baseUrl);
  if (plan.rootModel) args.push('--model', plan.rootModel);
  if (plan.subModel) args.push('--sub-model', plan.subModel);
  return {
    offered: true,
    args: [...args, ...limitFlags(settings)],
    env: { ...NOT_FROM_THE_EDITOR, ...mcpServerEnv(settings) },
    key: { provider: plan.provider, ...(plan.baseUrl ? { baseUrl: plan.baseUrl } : {}), variable: anthropic ? 'ANTHROPIC_API_KEY' : 'OPENAI_API_KEY' },
  };
}

/** Why the settings give the server no model of its own: the editor's models are chosen, or none other is set up. */
function whyNotOffered(settings: RlmSettings, facts: Omit<SetupFacts, 'editorModels'>, plan: Exclude<ReturnType<typeof planProvider>, { kind: 'api' }>): string {
  if (settings.provider === 'vscode-lm') return `rlm.provider is vscode-lm: the editor's language models answer, and ${EDITOR_MODELS_ONLY}`;
  const nothingSetUp = settings.provider === 'auto' && !settings.baseUrl && facts.keys.size === 0;
  if (plan.kind === 'unavailable' && !nothingSetUp) return plan.problem.message; // a provider chosen but not usable: its own reason
  return `No API key or rlm.baseUrl is set, so RLM would answer with the editor's language models, and ${EDITOR_MODELS_ONLY}`;
}

/** Decides each folder's server as the definitions are asked for, and says in the log why a folder has none, once per change. */
export class McpOffers {
  /** Why each folder had no server, as last said ('' while it has one). */
  private readonly told = new Map<string, string>();

  constructor(private readonly log: Log) {}

  decide(folder: { uri: string; name: string; path: string }, settings: RlmSettings, facts: Omit<SetupFacts, 'editorModels'>): McpServer {
    const server = mcpServer(settings, facts, folder.path);
    const why = server.offered ? '' : server.why;
    if (why !== (this.told.get(folder.uri) ?? '')) {
      this.log.info(why ? `RLM's MCP server is not offered to VS Code for ${folder.name}: ${why}` : `RLM's MCP server is offered to VS Code for ${folder.name} again`);
      this.told.set(folder.uri, why);
    }
    return server;
  }
}

/** The flags of `rlm mcp` that carry the settings' limits and caps, the excludes, included folders and sensitive paths. */
function limitFlags(settings: RlmSettings): string[] {
  const args = [
    '--max-depth', String(settings.maxDepth),
    '--max-iterations', String(settings.maxIterations),
    '--max-sub-calls', String(settings.maxSubCalls),
    '--concurrency', String(settings.concurrency),
    '--cell-timeout', String(settings.cellTimeout),
    '--max-requests', String(settings.maxRequestsPerQuestion),
  ];
  if (settings.maxCostPerQuestion > 0) args.push('--max-cost', String(settings.maxCostPerQuestion));
  for (const glob of settings.excludes) args.push('--exclude', glob);
  for (const glob of settings.include) args.push('--include', glob);
  for (const glob of settings.sensitivePaths) args.push('--sensitive-path', glob);
  return args;
}

/**
 * The server's environment beside its flags: the user's rlm.prices as RLM_PRICES (inline JSON), so its costs and
 * cost cap match the sidebar's. rlm.prices is read from the user's settings only (settings.ts), like the keys.
 */
export function mcpServerEnv(settings: Pick<RlmSettings, 'prices'>): Record<string, string> {
  return Object.keys(settings.prices).length > 0 ? { RLM_PRICES: JSON.stringify(settings.prices) } : {};
}
