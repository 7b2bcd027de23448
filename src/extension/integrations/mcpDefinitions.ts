// RLM's MCP server offered to VS Code itself (`vscode.lm.registerMcpServerDefinitionProvider`, declared in
// `contributes.mcpServerDefinitionProviders`): one stdio server per local workspace folder, the extension's own
// bundled CLI (`rlm mcp --workspace FOLDER`) run by the extension host's runtime, with the settings in force for that
// folder as flags (the trust rules already applied: a workspace lowers limits, never raises them). The server is a
// process of its own and cannot use the editor's language models, so a folder whose settings leave only those gets
// no server, and the RLM log says why once (mcpServerArgs.ts decides). Keys are read from the secret storage only
// when VS Code starts the server, into its environment, never into the definition VS Code keeps. The definitions are
// offered again whenever the set-up changes (settings, keys, trust, folders, a local server found).
// VS Code 1.101 added the API; on an older VS Code nothing is offered.

import * as vscode from 'vscode';
import { MCP_PROVIDER_ID } from '../commandIds';
import type { Log } from '../log';
import { providersWithKeys } from '../models/modelSetup';
import type { SetupService } from '../SetupService';
import { McpOffers, type McpServer } from './mcpServerArgs';

/** The parts of the MCP API (VS Code 1.101+) used here; @types/vscode 1.100 has none of it. */
interface McpApi {
  registerMcpServerDefinitionProvider(id: string, provider: {
    onDidChangeMcpServerDefinitions?: vscode.Event<void>;
    provideMcpServerDefinitions(token: vscode.CancellationToken): Promise<unknown[]>;
    resolveMcpServerDefinition?(server: McpStdioDefinition, token: vscode.CancellationToken): Promise<McpStdioDefinition | undefined>;
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
  const label = (folder: vscode.WorkspaceFolder) => `RLM: ${folder.name}`;
  const folders = () => (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
  const offers = new McpOffers(deps.log);
  const serverFor = async (folder: vscode.WorkspaceFolder): Promise<McpServer> => {
    const settings = deps.setup.settings(folder.uri);
    const keys = await providersWithKeys(settings, (provider, baseUrl) => deps.setup.key(provider, baseUrl));
    const facts = { keys, localServer: deps.setup.lastLocalServer, ...deps.setup.windowFacts() };
    return offers.decide({ uri: folder.uri.toString(), name: folder.name, path: folder.uri.fsPath }, settings, facts);
  };
  return [
    changed,
    deps.setup.onDidChange(() => changed.fire()),
    lm.registerMcpServerDefinitionProvider(MCP_PROVIDER_ID, {
      onDidChangeMcpServerDefinitions: changed.event,
      provideMcpServerDefinitions: async () => {
        const offered: McpStdioDefinition[] = [];
        for (const folder of folders()) {
          const server = await serverFor(folder);
          if (server.offered) offered.push(new Definition(label(folder), process.execPath, [cli, ...server.args], environment(server), deps.version));
        }
        return offered;
      },
      // Decided again at start, with the settings and keys of that moment; undefined: VS Code does not start it.
      resolveMcpServerDefinition: async (definition) => {
        const folder = folders().find((f) => definition.label === label(f));
        const server = folder && await serverFor(folder);
        if (!folder || !server?.offered) return undefined;
        const key = await deps.setup.key(server.key.provider, server.key.baseUrl);
        // A provider's own API with its key removed since: the list offered next has no server for it.
        if (!key && !server.key.baseUrl) return undefined;
        deps.log.info(`VS Code starts RLM's MCP server for ${folder.name}`);
        definition.args = [cli, ...server.args];
        definition.env = { ...environment(server), ...(key ? { [server.key.variable]: key } : {}) };
        return definition;
      },
    }),
  ];
}

/** The server's environment without its key. The desktop editor's runtime is Electron: ELECTRON_RUN_AS_NODE makes it plain Node. */
function environment(server: Extract<McpServer, { offered: true }>): Record<string, string | null> {
  return { ELECTRON_RUN_AS_NODE: '1', ...server.env };
}
