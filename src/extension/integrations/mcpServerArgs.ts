// The settings in force for a folder as `rlm mcp` flags and environment, for the MCP server VS Code starts
// (mcpDefinitions.ts). No `vscode` here: test/extension/integrations/mcpDefinitions.test.ts checks the CLI parses
// them to the same limits and prices.

import type { RlmSettings } from '../settings';

/** The flags of `rlm mcp` that carry the settings: the models, the limits and caps, the excludes, included folders and sensitive paths. */
export function mcpServerArgs(settings: RlmSettings, folder: string): string[] {
  const args = ['mcp', '--workspace', folder];
  const provider = settings.provider === 'anthropic' ? 'anthropic' : settings.provider === 'openai' || settings.provider === 'openai-compatible' ? 'openai' : undefined;
  if (provider) args.push('--provider', provider);
  if (settings.baseUrl && provider) args.push('--base-url', settings.baseUrl);
  if (settings.rootModel) args.push('--model', settings.rootModel);
  if (settings.subModel) args.push('--sub-model', settings.subModel);
  args.push(
    '--max-depth', String(settings.maxDepth),
    '--max-iterations', String(settings.maxIterations),
    '--max-sub-calls', String(settings.maxSubCalls),
    '--concurrency', String(settings.concurrency),
    '--cell-timeout', String(settings.cellTimeout),
    '--max-requests', String(settings.maxRequestsPerQuestion),
  );
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
