// The MCP Inspector's command-line mode (`@modelcontextprotocol/inspector --cli`), an MCP client nobody here wrote.
// It is large (a web UI, React, Vite), so it is no dependency of the project: it is installed once from the npm
// registry into a cache folder outside the repository ($RLM_MCP_INSPECTOR_CACHE, else ~/.cache/rlm-mcp-inspector),
// with a clean environment (an outer `npm run` must not pass its npm settings on).

import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { runProcess } from './cli';

export const INSPECTOR_VERSION = '2.12.0';

const cache = process.env.RLM_MCP_INSPECTOR_CACHE || join(homedir(), '.cache', 'rlm-mcp-inspector');
const bin = join(cache, 'node_modules', '.bin', 'mcp-inspector');
const done = join(cache, `.complete-${INSPECTOR_VERSION}`);

/** The inspector's command, installed if it is not there yet. */
export async function mcpInspector(): Promise<string> {
  if (existsSync(done) && existsSync(bin)) return bin;
  mkdirSync(cache, { recursive: true });
  if (!existsSync(join(cache, 'package.json'))) writeFileSync(join(cache, 'package.json'), '{"private": true}\n');
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  const result = await runProcess('npm', ['install', '--no-audit', '--no-fund', '--save-exact', `@modelcontextprotocol/inspector@${INSPECTOR_VERSION}`], { cwd: cache, env });
  if (result.code !== 0) throw new Error(`Installing the MCP Inspector failed (${result.code}):\n${result.stderr.slice(-2000)}`);
  writeFileSync(done, '');
  return bin;
}
