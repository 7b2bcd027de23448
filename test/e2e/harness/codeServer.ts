// Real VS Code for the tests: code-server on 127.0.0.1 with everything it writes (user data, extensions, config,
// XDG folders, TMPDIR, HOME) inside one temporary folder, the packaged .vsix installed through its CLI, test
// extensions copied in unpacked, and a copy of a fixture workspace opened.

import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { E2eEnvironment } from './environment';
import { endProcesses, Managed, run, SESSION_MARKER, sessionProcesses, tail } from './processes';

/** Cold start on a busy two-core machine; it is usually up in one or two seconds. */
const START_TIMEOUT_MS = 60_000;
const CLI_TIMEOUT_MS = 60_000;
/**
 * After the browser goes, the extension host waits this long for the window to reconnect, then deactivates the
 * extensions and exits (code-server's default is 3 hours: its extension hosts would outlive the test).
 */
const RECONNECTION_GRACE_S = 5;
/** How long code-server and its helpers get to exit on their own before what is left counts as stray. */
const SHUTDOWN_GRACE_MS = RECONNECTION_GRACE_S * 1000 + 10_000;

/** Settings every session starts from: no trust prompt, no welcome page, no update checks, the active file in the title. */
export const BASE_SETTINGS: Record<string, unknown> = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'telemetry.telemetryLevel': 'off',
  'workbench.tips.enabled': false,
  // Keeps the built-in chat panel closed, so the screenshots show our views.
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  // Workbench.activeEditor() reads the active file's full path from the window title.
  'window.title': '${activeEditorLong}',
};

/** Workspace trust on, and nothing asks whether to trust the folder: a new folder opens in Restricted Mode. */
export const RESTRICTED_MODE_SETTINGS: Record<string, unknown> = {
  'security.workspace.trust.enabled': true,
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.emptyWindow': false,
};

export interface CodeServerOptions {
  environment: E2eEnvironment;
  /** The session's temporary folder: everything code-server writes goes under it. */
  root: string;
  /** A folder to copy and open (a fixture). */
  workspace: string;
  /** A `.code-workspace` file in that folder (relative): opened instead of the folder (a multi-root window). */
  workspaceFile?: string;
  settings: Record<string, unknown>;
  /** Workspace trust on and the folder untrusted: Restricted Mode, without the prompt that would ask. */
  restrictedMode?: boolean;
  /** Packaged extensions to install with --install-extension. */
  vsix: string[];
  /** Unpacked extension folders (with a package.json) to copy into the extensions folder. */
  extensionFolders: string[];
  /** Tags every process of the session (see processes.ts). */
  marker: string;
}

export class CodeServer {
  private constructor(
    private readonly process: Managed,
    private readonly options: CodeServerOptions,
    /** http://127.0.0.1:PORT */
    readonly origin: string,
    /** The copy of the fixture that is open. */
    readonly workspace: string,
    readonly userDataDir: string,
    readonly extensionsDir: string,
  ) {}

  /** The `.code-workspace` file the window opens instead of the folder, if any. */
  get workspaceFile(): string | undefined {
    return this.options.workspaceFile === undefined ? undefined : join(this.workspace, this.options.workspaceFile);
  }

  /** The URL that opens the workbench on the workspace (the folder, or the .code-workspace file). */
  get url(): string {
    const file = this.workspaceFile;
    return file === undefined ? `${this.origin}/?folder=${encodeURIComponent(this.workspace)}` : `${this.origin}/?workspace=${encodeURIComponent(file)}`;
  }

  get settingsFile(): string {
    return join(this.userDataDir, 'User', 'settings.json');
  }

  static async start(options: CodeServerOptions): Promise<CodeServer> {
    const dirs = {
      userData: join(options.root, 'user-data'),
      extensions: join(options.root, 'extensions'),
      home: join(options.root, 'home'),
      tmp: join(options.root, 'tmp'),
      workspace: join(options.root, 'workspace'),
    };
    for (const dir of [...Object.values(dirs), join(dirs.userData, 'User'), join(dirs.home, '.config'), join(dirs.home, '.local', 'share'), join(dirs.home, '.cache')]) {
      await mkdir(dir, { recursive: true });
    }
    await cp(options.workspace, dirs.workspace, { recursive: true });
    await writeFile(join(dirs.userData, 'User', 'settings.json'), JSON.stringify({ ...BASE_SETTINGS, ...(options.restrictedMode ? RESTRICTED_MODE_SETTINGS : {}), ...options.settings }, null, 2));
    // Our own config file, so code-server does not write its default one (with a generated password) anywhere.
    const config = join(options.root, 'code-server.yaml');
    await writeFile(config, 'bind-addr: 127.0.0.1:0\nauth: none\ncert: false\n');

    const env = isolatedEnv(options.marker, dirs.home, dirs.tmp);
    const common = ['--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions, '--config', config];
    const cli = (args: string[], what: string) => run(options.environment.node, [options.environment.codeServer.entry, ...common, ...args], { env, timeoutMs: CLI_TIMEOUT_MS, what });
    // Unpacked folders first: the first CLI run records what it finds in extensions.json, and a folder that appears
    // after that is taken for a removed extension and ignored.
    for (const folder of options.extensionFolders) await copyExtensionFolder(folder, dirs.extensions);
    if (options.vsix.length > 0) await cli(options.vsix.flatMap((file) => ['--install-extension', file]), 'installing the packaged extension');

    const server = Managed.start(options.environment.node, [
      options.environment.codeServer.entry, ...common,
      '--auth', 'none', '--bind-addr', '127.0.0.1:0',
      '--disable-telemetry', '--disable-update-check', ...(options.restrictedMode ? [] : ['--disable-workspace-trust']), '--disable-getting-started-override',
      '--reconnection-grace-time', String(RECONNECTION_GRACE_S),
      '--ignore-last-opened', options.workspaceFile === undefined ? dirs.workspace : join(dirs.workspace, options.workspaceFile),
    ], { env });
    try {
      const [, origin] = await server.waitForOutput(/HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)/, START_TIMEOUT_MS, 'starting code-server');
      return new CodeServer(server, options, origin, dirs.workspace, dirs.userData, dirs.extensions);
    } catch (err) {
      await endProcesses(await sessionProcesses(server.pid, options.marker), 0);
      throw err;
    }
  }

  /** `publisher.name@version` of every extension installed in this session (built-ins excluded). */
  async installedExtensions(): Promise<string[]> {
    const env = isolatedEnv(this.options.marker, join(this.options.root, 'home'), join(this.options.root, 'tmp'));
    const { stdout } = await run(this.options.environment.node, [
      this.options.environment.codeServer.entry, '--user-data-dir', this.userDataDir, '--extensions-dir', this.extensionsDir,
      '--config', join(this.options.root, 'code-server.yaml'), '--list-extensions', '--show-versions',
    ], { env, timeoutMs: CLI_TIMEOUT_MS, what: 'listing extensions' });
    return stdout.split('\n').map((line) => line.trim()).filter((line) => /^[\w-]+\.[\w-]+@/.test(line));
  }

  /** The user settings file as VS Code left it: its raw text (for "this secret is nowhere") and parsed. */
  async userSettings(): Promise<{ text: string; json: Record<string, unknown> | undefined }> {
    const text = await readFile(this.settingsFile, 'utf8');
    let json: Record<string, unknown> | undefined;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined; // VS Code writes JSON with comments when a user added some; the raw text is still there
    }
    return { text, json };
  }

  /** code-server's own output. */
  output(): string {
    return this.process.output();
  }

  /** Everything logged so far: code-server's output and every log file (window, extension host, output channels). */
  async logs(): Promise<string> {
    const parts = [`== code-server output\n${this.output()}`];
    const logsDir = join(this.userDataDir, 'logs');
    const entries = await readdir(logsDir, { withFileTypes: true, recursive: true }).catch(() => []);
    for (const entry of entries.filter((e) => e.isFile()).sort((a, b) => join(a.parentPath, a.name).localeCompare(join(b.parentPath, b.name)))) {
      const file = join(entry.parentPath, entry.name);
      parts.push(`== ${file}\n${await readFile(file, 'utf8').catch((err: Error) => `(unreadable: ${err.message})`)}`);
    }
    return parts.join('\n');
  }

  /** Stops code-server and returns what it left running (ended here, by pid): empty for a clean shutdown. */
  async stop(): Promise<string[]> {
    // Taken before the stop: once code-server has exited, a child it left behind belongs to init, not to it.
    const processes = await sessionProcesses(this.process.pid, this.options.marker);
    await this.process.stop(SHUTDOWN_GRACE_MS);
    return endProcesses([...processes, ...await sessionProcesses(this.process.pid, this.options.marker)], SHUTDOWN_GRACE_MS);
  }

  describe(): string {
    return `code-server ${this.origin} (user data ${this.userDataDir})\n${tail(this.output(), 2000)}`;
  }
}

/**
 * The environment code-server and everything it starts runs with: the session marker, HOME, XDG folders and TMPDIR
 * inside the session, and none of the variables that would connect it to an editor the tests run in
 * (VSCODE_IPC_HOOK_CLI...) or hand it real provider keys.
 */
export function isolatedEnv(marker: string, home: string, tmp: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(VSCODE_|ELECTRON_|CODE_SERVER_|OPENAI_|ANTHROPIC_|RLM_)|^(PASSWORD|HASHED_PASSWORD|NODE_OPTIONS)$/.test(name)) env[name] = value;
  }
  return {
    ...env,
    [SESSION_MARKER]: marker,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_CACHE_HOME: join(home, '.cache'),
    TMPDIR: tmp,
  };
}

async function copyExtensionFolder(folder: string, extensionsDir: string): Promise<void> {
  const { publisher, name, version } = JSON.parse(await readFile(join(folder, 'package.json'), 'utf8')) as { publisher: string; name: string; version: string };
  await cp(folder, join(extensionsDir, `${publisher}.${name}-${version}`), { recursive: true });
}
