// One end-to-end session: a fake model server in this process, code-server with the packaged extension (and any
// test extensions) on a copy of a fixture workspace, and Chromium showing its workbench. `e2eSuite` wraps it for
// node:test: one session per suite, an explicit skip when the machine cannot run it, a screenshot and the logs when
// a test fails, and a check that nothing was left running.

import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import type { Browser } from 'playwright-core';
import { FakeModelServer, type FakeResponder, type FakeServerOptions } from '../../fakes/FakeModelServer';
import { CodeServer } from './codeServer';
import { e2eEnvironment, FIXTURES, type E2eEnvironment } from './environment';
import { tail } from './processes';
import { packagedExtension } from './vsix';
import { launchChromium, Workbench } from './workbench';

export interface SessionOptions {
  /** A folder under test/e2e/fixtures, or an absolute path; a copy is opened. Default: 'workspace'. */
  workspace?: string;
  /**
   * A `.code-workspace` file inside that folder (a relative path): the window opens it instead of the folder, so a
   * multi-root workspace is tested. Its folders' relative paths resolve in the copy.
   */
  workspaceFile?: string;
  /** Starts a FakeModelServer in this process with this responder (`session.modelServer`). */
  modelServer?: FakeResponder;
  modelServerOptions?: FakeServerOptions;
  /** User settings on top of the harness's base settings; a function sees the model server and the session folder. */
  settings?: Record<string, unknown> | ((context: { modelServer?: FakeModelServer; root: string }) => Record<string, unknown>);
  /** Unpacked extension folders to install besides the packaged RLM extension: names under test/e2e/fixtures or paths. */
  extensions?: string[];
  /**
   * Workspace trust on, and the folder not trusted: the window opens in Restricted Mode (no trust prompt). Default:
   * trust is off, so every folder is trusted.
   */
  restrictedMode?: boolean;
}

export class VsCodeSession {
  private closed: Promise<string[]> | undefined;
  /** Set when a test failed: the session folder (screenshots, logs) is kept for inspection. */
  private failed = false;

  private constructor(
    /** The session's temporary folder (user data, extensions, workspace copy...). Kept when a test failed. */
    readonly root: string,
    readonly codeServer: CodeServer,
    private readonly browser: Browser,
    readonly workbench: Workbench,
    readonly modelServer: FakeModelServer | undefined,
  ) {}

  /** True once close() was called (a test that closes the session itself checks what it returned). */
  get isClosed(): boolean {
    return this.closed !== undefined;
  }

  /** The open workspace folder (a copy of the fixture). */
  get workspace(): string {
    return this.codeServer.workspace;
  }

  static async start(environment: E2eEnvironment, options: SessionOptions = {}): Promise<VsCodeSession> {
    const root = await mkdtemp(join(tmpdir(), 'rlm-e2e-'));
    const marker = randomBytes(8).toString('hex');
    let modelServer: FakeModelServer | undefined;
    let codeServer: CodeServer | undefined;
    let browser: Browser | undefined;
    try {
      if (options.modelServer) modelServer = await FakeModelServer.start(options.modelServer, options.modelServerOptions);
      const settings = typeof options.settings === 'function' ? options.settings({ modelServer, root }) : options.settings ?? {};
      codeServer = await CodeServer.start({
        environment,
        root,
        marker,
        workspace: fixturePath(options.workspace ?? 'workspace'),
        ...(options.workspaceFile ? { workspaceFile: options.workspaceFile } : {}),
        settings,
        restrictedMode: options.restrictedMode === true,
        vsix: [await packagedExtension()],
        extensionFolders: (options.extensions ?? []).map(fixturePath),
      });
      browser = await launchChromium(environment.chromium, marker);
      const workbench = await Workbench.open(browser, codeServer.url, codeServer.workspace, { multiRoot: options.workspaceFile !== undefined });
      return new VsCodeSession(root, codeServer, browser, workbench, modelServer);
    } catch (err) {
      await browser?.close().catch(() => {});
      await codeServer?.stop().catch(() => {});
      await modelServer?.close().catch(() => {});
      throw new Error(`${(err as Error).message}\n(session folder kept: ${root})`, { cause: err });
    }
  }

  /** Everything logged so far (code-server, window, extension host, output channels): to find what must not be there. */
  logs(): Promise<string> {
    return this.codeServer.logs();
  }

  /** The user settings file as VS Code left it: raw text and parsed. */
  userSettings(): Promise<{ text: string; json: Record<string, unknown> | undefined }> {
    return this.codeServer.userSettings();
  }

  /**
   * Closes the browser, stops code-server and the model server, and returns the processes that were still running
   * afterwards (ended here): empty for a clean shutdown. Removes the session folder unless a test failed.
   */
  close(): Promise<string[]> {
    this.closed ??= (async () => {
      await this.browser.close();
      const strays = await this.codeServer.stop();
      await this.modelServer?.close();
      if (this.failed) process.stderr.write(`# e2e session folder kept for inspection: ${this.root}\n`);
      else await rm(this.root, { recursive: true, force: true, maxRetries: 3 });
      return strays;
    })();
    return this.closed;
  }

  /** Saves a screenshot, the console and the logs under the session folder; returns a line naming them. */
  async captureFailure(name: string): Promise<string> {
    this.failed = true;
    const dir = join(this.root, 'failures');
    await mkdir(dir, { recursive: true });
    const base = join(dir, name.replace(/[^\w.-]+/g, '-').slice(0, 80));
    const saved: string[] = [];
    await this.workbench.screenshot(`${base}.png`).then((file) => saved.push(file), () => {});
    await writeFile(`${base}.console.txt`, this.workbench.console.map((e) => `[${e.type}] ${e.text}${e.url ? ` @ ${e.url}` : ''}`).join('\n'));
    saved.push(`${base}.console.txt`);
    await writeFile(`${base}.logs.txt`, await this.logs());
    saved.push(`${base}.logs.txt`);
    return `saved: ${saved.join(', ')}\ncode-server output (tail):\n${tail(this.codeServer.output(), 1500)}`;
  }
}

/** An e2e test body: gets the suite's session. */
export type E2eTest = (session: VsCodeSession, t: TestContext) => Promise<void>;

/** How long one e2e test may take before node:test fails it (a hang never holds CI to its global limit). */
const TEST_TIMEOUT_MS = 180_000;
/** Installing the environment (first time only) plus starting everything. */
const SETUP_TIMEOUT_MS = 30 * 60_000;

/**
 * A node:test suite sharing one VS Code session: `e2eSuite('chat', options, (it) => { it('asks', async (vs) => ...) })`.
 * Tests run in order. When the machine cannot run e2e tests at all, every test is skipped with the reason; when a test
 * fails, its error names the saved screenshot, console and logs, and the session folder is kept.
 */
export function e2eSuite(name: string, options: SessionOptions, body: (it: (name: string, fn: E2eTest) => void) => void): void {
  describe(name, () => {
    let session: VsCodeSession | undefined;
    let skipReason: string | undefined;

    before(async () => {
      const environment = await e2eEnvironment();
      if (!environment.ok) {
        if (!environment.unsupported) throw new Error(`the e2e environment could not be installed: ${environment.reason}`);
        // CI sets it: there a skip would hide that the editor was never tested.
        if (process.env.RLM_E2E_REQUIRED) throw new Error(`RLM_E2E_REQUIRED is set, but ${environment.reason}`);
        skipReason = `end-to-end tests cannot run on this machine: ${environment.reason}`;
        process.stderr.write(`# SKIP ${name}: ${skipReason}\n`);
        return;
      }
      session = await VsCodeSession.start(environment, options);
    }, { timeout: SETUP_TIMEOUT_MS });

    after(async () => {
      const checkedByTest = session?.isClosed;
      const strays = await session?.close();
      if (strays?.length && !checkedByTest) throw new Error(`processes were still running after the session closed (ended now):\n${strays.join('\n')}`);
    }, { timeout: 60_000 });

    body((testName, fn) => {
      test(testName, { timeout: TEST_TIMEOUT_MS }, async (t) => {
        if (skipReason) return t.skip(skipReason);
        if (!session) throw new Error('the e2e session did not start (see the suite\'s before hook)');
        try {
          await fn(session, t);
        } catch (err) {
          const captured = await session.captureFailure(testName).catch((captureErr: Error) => `capture failed: ${captureErr.message}`);
          throw new Error(`${(err as Error).message}\n${captured}`, { cause: err });
        }
      });
    });
  });
}

function fixturePath(name: string): string {
  return isAbsolute(name) ? name : join(FIXTURES, name);
}
