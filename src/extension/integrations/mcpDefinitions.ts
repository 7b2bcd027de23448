// RLM's MCP server offered to VS Code itself (`vscode.lm.registerMcpServerDefinitionProvider`, declared in
// `contributes.mcpServerDefinitionProviders`): one stdio server per local workspace folder, the extension's own
// bundled CLI (`rlm mcp --workspace FOLDER`) run by the extension host's runtime. Its flags are the settings in force
// for that folder (the trust rules already applied: a workspace lowers limits, never raises them); keys are read
// from the secret storage only when VS Code starts the server, into its environment, never into the definition.
// VS Code 1.101 added the API; on an older VS Code nothing is offered.

import * as vscode from 'vscode';
import { MCP_PROVIDER_ID } from '../commandIds';
import type { Log } from '../log';
import type { SetupService } from '../SetupService';
import { mcpServerArgs, mcpServerEnv } from './mcpServerArgs';

/** The parts of the MCP API (VS Code 1.101+) used here; @types/vscode 1.100 has none of it. */
interface McpApi {
  registerMcpServerDefinitionProvider(id: string, provider: {
    onDidChangeMcpServerDefinitions?: vscode.Event<void>;
    provideMcpServerDefinitions(token: vscode.CancellationToken): unknown[];
    resolveMcpServerDefinition?(server: McpStdioDefinition, token: vscode.CancellationToken): Promise<McpStdioDefinition>;
  }): vscode.Disposable;
}
interface McpStdioDefinition {
  label: string;
  command: string;
  args: string[];
  env: Record<string, string | number | null>;
}
type McpStdioDefinitionClass = new (label: string, command: string, args?: string[], env?: Record<string, string | number | null>, version?: string) => McpStdioDefinition;

export interface McpDefinitionDeps {
  setup: SetupService;
  log: Log;
  extensionUri: vscode.Uri;
  version: string;
}

export function registerMcpDefinitions(deps: McpDefinitionDeps): vscode.Disposable[] {
  const lm = vscode.lm as unknown as Partial<McpApi>;
  const Definition = (vscode as unknown as { McpStdioServerDefinition?: McpStdioDefinitionClass }).McpStdioServerDefinition;
  if (!lm.registerMcpServerDefinitionProvider || !Definition) {
    deps.log.info('This VS Code offers no MCP server API: RLM\'s MCP server is not offered to it (rlm mcp still runs from a terminal).');
    return [];
  }
  const changed = new vscode.EventEmitter<void>();
  const cli = vscode.Uri.joinPath(deps.extensionUri, 'dist', 'cli.js').fsPath;
  const folders = () => (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
  return [
    changed,
    vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration('rlm')) changed.fire(); }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => changed.fire()),
    lm.registerMcpServerDefinitionProvider(MCP_PROVIDER_ID, {
      onDidChangeMcpServerDefinitions: changed.event,
      provideMcpServerDefinitions: () => folders().map((folder) => {
        const settings = deps.setup.settings(folder.uri);
        return new Definition(
          `RLM: ${folder.name}`,
          process.execPath,
          [cli, ...mcpServerArgs(settings, folder.uri.fsPath)],
          // The desktop editor's runtime is Electron: this makes it plain Node for the CLI.
          { ELECTRON_RUN_AS_NODE: '1', ...mcpServerEnv(settings) },
          deps.version,
        );
      }),
      resolveMcpServerDefinition: async (server) => {
        const folder = folders().find((f) => server.label === `RLM: ${f.name}`);
        const settings = deps.setup.settings(folder?.uri);
        const openai = await deps.setup.key(settings.provider === 'openai-compatible' ? 'openai-compatible' : 'openai', settings.baseUrl || undefined);
        const anthropic = await deps.setup.key('anthropic', settings.baseUrl || undefined);
        deps.log.info(`VS Code starts RLM's MCP server for ${folder?.name ?? server.label}`);
        server.env = { ...server.env, ...(openai ? { OPENAI_API_KEY: openai } : {}), ...(anthropic ? { ANTHROPIC_API_KEY: anthropic } : {}) };
        return server;
      },
    }),
  ];
}
