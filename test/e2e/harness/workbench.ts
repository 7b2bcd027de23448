// Driving the VS Code workbench in Debian's Chromium through playwright-core: the command palette, quick inputs,
// view containers, webview frames (two iframes deep), the active editor, notifications, reloads, and a record of
// the console (where Chromium reports Content-Security-Policy violations, from every frame).

import { chromium, type Browser, type Frame, type Page } from 'playwright-core';
import { SESSION_MARKER } from './processes';
import { waitFor } from './waits';

/** How long each kind of wait may take on a busy two-core machine (they usually take well under a second). */
export const TIMEOUTS = {
  /** First load of the workbench: its scripts, the extension host, the extensions. */
  workbench: 90_000,
  /** A webview view: its iframes, the page script, the first message from the host. */
  webview: 30_000,
  /**
   * A command palette entry or a quick input answer. Under load (the suite beside four other test runs, load average
   * 15-17 on 2 cores) VS Code took longer than 15 s to list a workspace file in Go to File or restore an editor.
   */
  command: 30_000,
  /** The editor landing on a file and line. */
  editor: 30_000,
};

export interface ConsoleEntry {
  type: string;
  text: string;
  /** The script or page that logged it ('' for messages from the browser itself, such as CSP reports). */
  url: string;
}

export interface ActiveEditor {
  /** Relative to the workspace folder ('src/cart.ts'), or absolute for a file outside it. */
  path: string;
  /** 1-based, where the cursor is. */
  line: number;
  column: number;
}

/** Chromium as the tests need it: headless, no sandbox (CI runs as root), nothing reaching the network by itself. */
export function launchChromium(executablePath: string, marker: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    env: { ...process.env, [SESSION_MARKER]: marker },
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export class Workbench {
  /** Every console message and uncaught page error so far, from the workbench and every webview. */
  readonly console: ConsoleEntry[] = [];

  private constructor(
    readonly page: Page,
    private readonly workspace: string,
    /** A .code-workspace window: workspace paths start with their folder's name (its folder in the copy). */
    private readonly multiRoot: boolean,
  ) {
    page.on('console', (message) => this.console.push({ type: message.type(), text: message.text(), url: message.location().url }));
    page.on('pageerror', (error) => this.console.push({ type: 'pageerror', text: `${error.name}: ${error.message}`, url: '' }));
    page.setDefaultTimeout(TIMEOUTS.command);
  }

  /** Opens the workbench at `url` (code-server's, with the folder) and waits until it is usable. */
  static async open(browser: Browser, url: string, workspace: string, options: { multiRoot?: boolean } = {}): Promise<Workbench> {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const workbench = new Workbench(await context.newPage(), workspace, options.multiRoot ?? false);
    await workbench.page.goto(url, { timeout: TIMEOUTS.workbench });
    await workbench.waitUntilReady();
    return workbench;
  }

  /** The workbench is laid out (activity bar, status bar) and its extensions are known. */
  async waitUntilReady(): Promise<void> {
    await this.page.locator('.monaco-workbench .part.activitybar').waitFor({ state: 'visible', timeout: TIMEOUTS.workbench });
    await this.page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout: TIMEOUTS.workbench });
  }

  /** Runs a command by its palette title, e.g. 'RLM: Ask' or 'View: Toggle Terminal', as a user would. */
  async runCommand(title: string): Promise<void> {
    const input = this.quickInputBox();
    // A view that takes the focus just after the palette opened (a webview done drawing a long answer, an editor
    // opening) closes it again: open it and type until the text is in it.
    await waitFor(async () => {
      await this.openPalette();
      return input.fill(`>${title}`, { timeout: 2_000 }).then(() => true, () => false);
    }, { timeoutMs: TIMEOUTS.command, what: `the command palette to take "${title}"`, intervalMs: 0 });
    await this.chooseRow(title, `the command "${title}" in the palette`);
    // The command may open its own quick input (an API key box): wait for ours to be gone, not for the widget to close.
    await waitFor(async () => !(await this.quickInputVisible()) || (await input.inputValue().catch(() => '')) !== `>${title}`, { timeoutMs: TIMEOUTS.command, what: `the palette to run "${title}"` });
  }

  /** Types `text` into the open input box (a command's question) and accepts it. */
  async answerInput(text: string): Promise<void> {
    await waitFor(() => this.quickInputVisible(), { timeoutMs: TIMEOUTS.command, what: 'an input box' });
    const input = this.quickInputBox();
    await input.fill(text);
    await input.press('Enter');
    await waitFor(async () => !(await this.quickInputVisible()) || (await input.inputValue().catch(() => '')) !== text, { timeoutMs: TIMEOUTS.command, what: 'the input box to accept' });
  }

  /** Chooses the item labelled `label` in the open quick pick. */
  async pickItem(label: string): Promise<void> {
    await waitFor(() => this.quickInputVisible(), { timeoutMs: TIMEOUTS.command, what: 'a quick pick' });
    await this.chooseRow(label, `"${label}" in the quick pick`);
  }

  /** Labels of the items the open quick pick shows. */
  async quickPickLabels(): Promise<string[]> {
    return this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row .label-name').allTextContents();
  }

  /** Shows a view container of the activity bar (e.g. 'RLM'); does nothing when it is already showing. */
  async openViewContainer(title: string): Promise<void> {
    const item = this.page.locator(`.part.activitybar .action-item:has(.action-label[aria-label="${title}"])`);
    await item.waitFor({ state: 'visible', timeout: TIMEOUTS.workbench }).catch(() => {
      throw new Error(`no "${title}" in the activity bar: is the extension installed and its viewsContainers contributed?`);
    });
    const checked = async () => (await item.getAttribute('class'))?.includes('checked') ?? false;
    const showing = async () => (await checked()) && (await this.page.locator('.part.sidebar').isVisible());
    const what = `the "${title}" view container to show`;
    await waitFor(async () => {
      if (await showing()) return true;
      // A checked item is the container on its way in (the side bar still laying out after a reload): a click then
      // would hide the side bar again. Click only an unchecked one, and give it time to show.
      if (!(await checked())) await item.locator('.action-label').click();
      return waitFor(showing, { timeoutMs: 2000, what }).catch(() => false);
    }, { timeoutMs: TIMEOUTS.command, what, intervalMs: 0 });
  }

  /** Titles of the views in the side bar (e.g. ['Chat', 'Trajectory']). */
  async sideBarViews(): Promise<string[]> {
    const titles = await this.page.locator('.part.sidebar .pane-header h3.title').allTextContents();
    return titles.map((t) => t.trim());
  }

  /**
   * The inner frame of a webview whose page is `page` (its `<body data-page="...">`): webviews are two iframes
   * deep and are replaced when a view is re-created, so look them up again after a reload rather than keeping one.
   */
  async webview(page: string, timeoutMs = TIMEOUTS.webview): Promise<Frame> {
    return waitFor(async () => {
      for (const frame of this.page.frames()) {
        if (!frame.url().includes('/webview/')) continue;
        const found = await frame.evaluate(() => document.body?.dataset.page).catch(() => undefined);
        if (found === page) return frame;
      }
      return undefined;
    }, { timeoutMs, what: `the "${page}" webview to load` });
  }

  /**
   * Opens a workspace file through Go to File, at `line` when given, and waits until it is active. The path is
   * relative to the workspace folder; in a multi-root window it starts with the name of the folder holding it.
   */
  async openFile(path: string, line?: number): Promise<void> {
    // Go to File searches within each folder of a multi-root window and names the folder in the description
    // ("beta • lib"), so the folder's name is not part of what is typed.
    const cut = this.multiRoot ? path.indexOf('/') : -1;
    const [root, inRoot] = cut < 0 ? [undefined, path] : [path.slice(0, cut), path.slice(cut + 1)];
    await this.pressInWorkbench('Control+P', 'Go to File');
    await this.quickInputBox().fill(line ? `${inRoot}:${line}` : inRoot);
    // The list shows recently opened files until the search answers: wait for the file's own row.
    const slash = inRoot.lastIndexOf('/');
    const [dir, name] = slash < 0 ? ['', inRoot] : [inRoot.slice(0, slash), inRoot.slice(slash + 1)];
    const description = root === undefined ? dir : dir ? `${root} • ${dir}` : root;
    const row = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(name)}$`) }) })
      .filter({ has: this.page.locator('.label-description', { hasText: new RegExp(`^${escapeRegExp(description)}$`) }) })
      .first();
    await row.waitFor({ state: 'visible', timeout: TIMEOUTS.command }).catch(async () => {
      throw new Error(`no "${path}" in Go to File (the list shows: ${JSON.stringify(await this.quickPickLabels().catch(() => []))})`);
    });
    await row.click();
    await waitFor(async () => {
      const editor = await this.activeEditor();
      return editor?.path === path && (line === undefined || editor.line === line);
    }, { timeoutMs: TIMEOUTS.editor, what: `${path}${line ? `:${line}` : ''} to be the active editor` });
  }

  /** The file and cursor line of the active text editor, or undefined when none is active. */
  async activeEditor(): Promise<ActiveEditor | undefined> {
    // The harness sets window.title to ${activeEditorLong}: the title is the active file's full path.
    const title = await this.page.title();
    if (!title.startsWith('/')) return undefined;
    const selection = await this.page.locator('.part.statusbar [id="status.editor.selection"]').getAttribute('aria-label', { timeout: 1000 }).catch(() => null);
    const cursor = /Ln (\d+), Col (\d+)/.exec(selection ?? '');
    if (!cursor) return undefined;
    const path = title.startsWith(`${this.workspace}/`) ? title.slice(this.workspace.length + 1) : title;
    return { path, line: Number(cursor[1]), column: Number(cursor[2]) };
  }

  /** The messages of the notification toasts on screen. */
  async notifications(): Promise<string[]> {
    return this.page.locator('.notifications-toasts .notification-list-item-message').allTextContents();
  }

  /** Reloads the window as "Developer: Reload Window" does, and waits until the workbench is back. */
  async reload(): Promise<void> {
    const loaded = this.page.waitForEvent('load', { timeout: TIMEOUTS.workbench });
    await this.openPalette();
    await this.quickInputBox().fill('>Developer: Reload Window');
    await this.chooseRow('Developer: Reload Window', 'the reload command');
    await loaded;
    await this.waitUntilReady();
  }

  /** Console messages in which Chromium reported a Content-Security-Policy violation (any frame). */
  cspViolations(): ConsoleEntry[] {
    return this.console.filter((entry) => /Content Security Policy|Content-Security-Policy/i.test(entry.text));
  }

  /**
   * Saves a PNG of the window, or of the smallest rectangle holding the parts named by CSS selectors (for the
   * README: `screenshot(file, '.part.activitybar', '.part.sidebar')` is the side bar with its activity bar).
   */
  async screenshot(file: string, ...parts: string[]): Promise<string> {
    if (parts.length === 0) {
      await this.page.screenshot({ path: file });
      return file;
    }
    const boxes = await Promise.all(parts.map(async (selector) => {
      const box = await this.page.locator(selector).first().boundingBox();
      if (!box) throw new Error(`nothing to take a screenshot of: ${selector} is not on screen`);
      return box;
    }));
    const x = Math.min(...boxes.map((b) => b.x));
    const y = Math.min(...boxes.map((b) => b.y));
    const clip = { x, y, width: Math.max(...boxes.map((b) => b.x + b.width)) - x, height: Math.max(...boxes.map((b) => b.y + b.height)) - y };
    await this.page.screenshot({ path: file, clip });
    return file;
  }

  private async openPalette(): Promise<void> {
    await this.pressInWorkbench('F1', 'the command palette');
  }

  /**
   * Presses a workbench shortcut until a quick input shows. A webview that has the focus keeps the keyboard to
   * itself, and a view that finishes loading may take the focus just after it was moved: move it and try again.
   */
  private async pressInWorkbench(key: string, what: string): Promise<void> {
    await waitFor(async () => {
      if (await this.quickInputVisible()) await this.page.keyboard.press('Escape');
      await this.blurWebviews();
      await this.page.keyboard.press(key);
      return waitFor(() => this.quickInputVisible(), { timeoutMs: 1000, what }).catch(() => false);
    }, { timeoutMs: TIMEOUTS.command, what: `${what} (${key})`, intervalMs: 0 }).catch(async (err: Error) => {
      const focused = await this.page.evaluate(() => `${document.activeElement?.tagName}.${document.activeElement?.className}`).catch(() => '?');
      throw new Error(`${err.message}; the focus is on ${focused}`);
    });
  }

  /** A focused webview keeps the keyboard to itself: move the focus back to the workbench. */
  private async blurWebviews(): Promise<void> {
    await this.page.evaluate(() => {
      if (document.activeElement instanceof HTMLElement && document.activeElement.tagName === 'IFRAME') document.activeElement.blur();
    });
  }

  private quickInputBox() {
    return this.page.locator('.quick-input-widget .quick-input-box input');
  }

  private quickInputVisible(): Promise<boolean> {
    return this.page.locator('.quick-input-widget').isVisible();
  }

  private async chooseRow(label: string, what: string): Promise<void> {
    const rows = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    const row = rows.filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }) }).first();
    try {
      await row.waitFor({ state: 'visible', timeout: TIMEOUTS.command });
    } catch {
      const shown = await this.quickPickLabels().catch(() => []);
      throw new Error(`no ${what} (the list shows: ${JSON.stringify(shown.slice(0, 8))})`);
    }
    // By keyboard, not by a click: a hover the pointer left over another row (MCP's "Add a new server configuration")
    // can cover the row and swallow the click. Focus walks down the list until it is on the row, then Enter takes it.
    const focusedLabel = () => rows.and(this.page.locator('.focused')).locator('.label-name').first().textContent({ timeout: 1000 }).catch(() => null);
    await waitFor(async () => {
      if ((await focusedLabel())?.trim() === label) return true;
      await this.quickInputBox().press('ArrowDown');
      return false;
    }, { timeoutMs: TIMEOUTS.command, what: `the focus on ${what}`, intervalMs: 0 });
    await this.quickInputBox().press('Enter');
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
