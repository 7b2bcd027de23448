// What the scenario tests share: a fake model server scripted like a real RLM run (a root model that writes
// ```repl code turn by turn, a sub-model that answers the code's llm_query calls), and the moves a user makes
// in the RLM views (ask in the chat, read the conversation and the tree) on top of the harness.

import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Frame } from 'playwright-core';
import type { FakeReply, FakeRequest } from '../fakes/FakeModelServer';
import type { RootTurn } from '../support/scriptedModels';
import { REPO, TIMEOUTS, waitFor, type VsCodeSession } from './harness';

/** Priced models (the built-in table knows them), so costs are real figures; the fake server serves both. */
export const ROOT_MODEL = 'gpt-5';
export const SUB_MODEL = 'gpt-5-mini';

/** The settings that point RLM at the fake server's scripted models (an OpenAI-compatible endpoint). */
export function scriptedServerSettings(modelServer: { openaiBaseUrl: string } | undefined): Record<string, string> {
  return {
    'rlm.provider': 'openai-compatible',
    'rlm.baseUrl': modelServer!.openaiBaseUrl,
    'rlm.rootModel': ROOT_MODEL,
    'rlm.subModel': SUB_MODEL,
  };
}

/** A question, including the models' replies, on a loaded two-core machine: generous, since every wait is for a condition. */
export const ANSWER_TIMEOUT_MS = 60_000;

/**
 * The fake server's models: the root model replies from a queue the test fills before it asks (one entry per
 * turn), anything else is a sub-call answered by `sub`. A root request with nothing queued is answered with an
 * HTTP 400 that says so, which fails the question visibly instead of hanging.
 */
export class ScriptedModels {
  private readonly turns: RootTurn[] = [];
  sub: (req: FakeRequest) => string | FakeReply = (req) => `sub-answer: ${lastUser(req).slice(0, 60)}`;

  /**
   * Which requests are the root model's: by default those for ROOT_MODEL. (The editor's models serve root and
   * sub-calls with one model: there the root is known by its system prompt.)
   */
  constructor(private readonly isRoot: (req: FakeRequest) => boolean = (req) => req.model === ROOT_MODEL) {}

  /** The FakeModelServer responder. */
  readonly respond = (req: FakeRequest): string | FakeReply | Promise<string | FakeReply> => {
    if (!this.isRoot(req)) return this.sub(req);
    const next = this.turns.shift();
    if (next === undefined) return { status: 400, text: 'the e2e test queued no root reply for this turn' };
    return typeof next === 'function' ? next(req) : next;
  };

  /** Queues the root model's next turns. */
  script(...turns: RootTurn[]): void {
    this.turns.push(...turns);
  }

  /** Root turns queued and not yet asked for. */
  get pending(): number {
    return this.turns.length;
  }
}

export function lastUser(req: FakeRequest): string {
  return [...req.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
}

/** The Chat view's frame once the host has told it the set-up (the question box or the welcome is drawn). */
export async function chatView(vs: VsCodeSession): Promise<Frame> {
  await vs.workbench.openViewContainer('RLM');
  const chat = await vs.workbench.webview('chat');
  await waitFor(async () => (await chat.locator('[data-testid=welcome], [data-testid=empty-chat], [data-testid=exchange]').count()) > 0, { timeoutMs: TIMEOUTS.webview, what: 'the chat to show the set-up or the conversation' });
  return chat;
}

/** Types a question into the Chat view's box and presses Enter, as a user does; returns the new exchange's id. */
export async function askInChat(vs: VsCodeSession, question: string): Promise<{ chat: Frame; exchangeId: string }> {
  const chat = await chatView(vs);
  const before = await exchangeIds(chat);
  await waitFor(async () => (await chat.locator('[data-testid=send]').getAttribute('disabled')) === null, { timeoutMs: TIMEOUTS.webview, what: 'the Send button to be enabled (the set-up is ready, no question running)' });
  const box = chat.locator('[data-testid=question] textarea');
  await box.click();
  await box.pressSequentially(question);
  await box.press('Enter');
  return { chat, exchangeId: await newExchange(chat, question, before) };
}

/**
 * The id of the exchange asking `question` that is not among `before` (the ids shown before it was asked), once it
 * shows. By its text too: right after a reload the page may draw the set-up a moment before the chat's earlier
 * exchanges arrive, so `before` can miss some of them.
 */
export function newExchange(chat: Frame, question: string, before: readonly string[]): Promise<string> {
  return waitFor(async () => {
    const shown = await chat.locator('[data-testid=exchange]').evaluateAll((els) => els.map((el) => ({
      id: el.getAttribute('data-exchange-id') ?? '',
      question: el.querySelector('[data-testid=question-text] .text')?.textContent ?? '',
    })));
    return shown.find((x) => !before.includes(x.id) && x.question === question)?.id;
  }, { timeoutMs: TIMEOUTS.command, what: `the question "${question}" to show in the conversation` });
}

export async function exchangeIds(chat: Frame): Promise<string[]> {
  return chat.locator('[data-testid=exchange]').evaluateAll((els) => els.map((el) => el.getAttribute('data-exchange-id') ?? ''));
}

export function exchange(chat: Frame, id: string) {
  return chat.locator(`[data-testid=exchange][data-exchange-id="${id}"]`);
}

/** Waits until the exchange has ended (not running) and returns its status. */
export async function ended(chat: Frame, id: string, timeoutMs = ANSWER_TIMEOUT_MS): Promise<string> {
  return waitFor(async () => {
    const status = await exchange(chat, id).getAttribute('data-status', { timeout: 1000 });
    return status && status !== 'running' ? status : undefined;
  }, { timeoutMs, what: `the exchange ${id} to end` });
}

export interface TreeRow {
  id: string;
  kind: string;
  status: string;
  label: string;
  level: number;
  cost: string;
  time: string;
}

/** The rows the tree shows (the virtual list draws those in view: enough for the small runs of these tests). */
export async function treeRows(tree: Frame): Promise<TreeRow[]> {
  const rows = await tree.locator('[data-testid=tree-row]').evaluateAll((els) => els.map((el) => ({
    id: el.getAttribute('data-node-id') ?? '',
    kind: el.getAttribute('data-kind') ?? '',
    status: el.getAttribute('data-status') ?? '',
    // The label's own text, without the snippet of code or prompt beside it.
    label: [...el.querySelector('.label')?.childNodes ?? []].filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent).join('').trim(),
    level: Number(el.getAttribute('aria-level')),
    cost: el.querySelector('[data-field=cost]')?.textContent ?? '',
    time: el.querySelector('[data-field=time]')?.textContent ?? '',
    top: el.getBoundingClientRect().top,
  })));
  return rows.sort((a, b) => a.top - b.top).map(({ top: _top, ...row }) => row);
}

/** Every webview frame showing `page` ('trajectory' is both the Trajectory view and each trace editor tab). */
export async function webviews(vs: VsCodeSession, page: string): Promise<Frame[]> {
  const found: Frame[] = [];
  for (const frame of vs.workbench.page.frames()) {
    if (!frame.url().includes('/webview/')) continue;
    if ((await frame.evaluate(() => document.body?.dataset.page).catch(() => undefined)) === page) found.push(frame);
  }
  return found;
}

/** The first `page` webview for which `probe` holds (a trace editor among the trajectory pages, say). */
export function webviewWhere(vs: VsCodeSession, page: string, probe: (frame: Frame) => Promise<boolean>, what: string): Promise<Frame> {
  return waitFor(async () => {
    for (const frame of await webviews(vs, page)) if (await probe(frame).catch(() => false)) return frame;
    return undefined;
  }, { timeoutMs: TIMEOUTS.webview, what });
}

/**
 * Copies a trace into the workspace as `name` (a `*.rlm.jsonl`), opens it from the explorer, and waits for the trace
 * editor to show it with its receipt verified: the editor's frame.
 */
export async function openTraceFromExplorer(vs: VsCodeSession, trace: string, name: string): Promise<Frame> {
  await copyFile(trace, join(vs.workspace, name));
  await vs.workbench.page.locator('.part.activitybar .action-item .action-label[aria-label^="Explorer"]').click();
  await vs.workbench.page.locator('.explorer-folders-view .monaco-list-row', { hasText: new RegExp(`^${name.replace(/\./g, '\\.')}$`) }).click({ timeout: TIMEOUTS.command });
  const editor = await webviewWhere(vs, 'trajectory', async (frame) => (await frame.locator('[data-testid=tree-title]').textContent()) === name, `the trace editor opened from the explorer on ${name}`);
  await waitFor(async () => (await editor.locator('[data-testid=receipt]').getAttribute('data-receipt', { timeout: 1000 })) === 'valid', { timeoutMs: TIMEOUTS.webview, what: `${name}'s receipt verified` });
  return editor;
}

/**
 * Where the README's screenshots go: `docs/screenshots` when RLM_E2E_SCREENSHOTS=update (to refresh the committed
 * images), else `.test-output/e2e/screenshots` (every run takes them; the committed ones change only on purpose).
 */
export async function screenshotPath(name: string): Promise<string> {
  const dir = process.env.RLM_E2E_SCREENSHOTS === 'update' ? join(REPO, 'docs', 'screenshots') : join(REPO, '.test-output', 'e2e', 'screenshots');
  await mkdir(dir, { recursive: true });
  return join(dir, `${name}.png`);
}

/** Drags the side bar's edge until it is `width` pixels wide (the README's pictures want a roomier chat). */
export async function resizeSideBar(vs: VsCodeSession, width: number): Promise<void> {
  const page = vs.workbench.page;
  const sideBar = (await page.locator('.part.sidebar').boundingBox())!;
  const edge = sideBar.x + sideBar.width;
  const sashes = await page.locator('.monaco-sash.vertical').evaluateAll((els) => els.map((el) => {
    const r = el.getBoundingClientRect();
    return { x: r.x + r.width / 2, y: r.y + r.height / 2, height: r.height };
  }));
  const sash = sashes.find((s) => Math.abs(s.x - edge) <= 4 && s.height > sideBar.height / 2);
  if (!sash) throw new Error(`no sash at the side bar's edge (x ${edge}): ${JSON.stringify(sashes)}`);
  await page.mouse.move(sash.x, sash.y);
  await page.mouse.down();
  await page.mouse.move(sideBar.x + width, sash.y, { steps: 8 });
  await page.mouse.up();
  // Off the sash, which stays highlighted while the mouse is over it.
  await page.mouse.move(sideBar.x + width + 300, sash.y);
  await waitFor(async () => Math.abs(((await page.locator('.part.sidebar').boundingBox())?.width ?? 0) - width) <= 4, { timeoutMs: TIMEOUTS.command, what: `the side bar ${width} px wide` });
}

/**
 * Answers VS Code's own file dialog (the web workbench's: a quick input holding a path) with `path`. While it lists
 * the folder it has just been taken to, it ignores Enter: press again until it closes.
 */
export async function answerFileDialog(vs: VsCodeSession, path: string): Promise<void> {
  const page = vs.workbench.page;
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('.quick-input-box input');
  await widget.waitFor({ state: 'visible', timeout: TIMEOUTS.command });
  await input.fill(path);
  // The dialog puts its default path in once it has read the folder, later on a busy machine: press Enter only on a
  // value that was still ours at the previous look, or the default is what gets accepted.
  let oursBefore = false;
  await waitFor(async () => {
    if (!(await widget.isVisible())) return true;
    const ours = (await input.inputValue()) === path;
    const steady = ours && oursBefore;
    oursBefore = ours;
    if (!ours) await input.fill(path);
    if (!steady) return false;
    await input.press('Enter');
    return waitFor(async () => !(await widget.isVisible()), { timeoutMs: 1000, what: 'the file dialog to close' }).catch(() => false);
  }, { timeoutMs: TIMEOUTS.command, what: `the file dialog to accept ${path}`, intervalMs: 300 });
}

/**
 * Sets a string user setting through the Settings editor, as a user would (code-server does not notice a
 * settings.json changed behind its back), and waits until settings.json has it.
 */
export async function setUserSetting(vs: VsCodeSession, id: string, value: string): Promise<void> {
  const page = vs.workbench.page;
  await vs.workbench.runCommand('Preferences: Open User Settings');
  const editor = page.locator('.settings-editor');
  await editor.waitFor({ state: 'visible', timeout: TIMEOUTS.command });
  // The search box has the focus when the editor opens.
  await page.keyboard.type(id);
  const input = editor.locator(`.setting-item-contents[data-key="${id}"] input`).or(editor.locator('.settings-tree-container .setting-item-contents .setting-item-control input').first());
  await waitFor(async () => (await editor.locator('.settings-tree-container .setting-item-contents').count()) === 1, { timeoutMs: TIMEOUTS.command, what: `the Settings editor to show ${id} alone` });
  await input.first().fill(value);
  await waitFor(async () => (await vs.userSettings()).json?.[id] === value, { timeoutMs: TIMEOUTS.command, what: `${id} in settings.json` });
  await page.keyboard.press('Control+W');
}

/** The change set under an exchange's answer in the Chat view. */
export function changeSet(chat: Frame, exchangeId: string) {
  return chat.locator(`[data-testid=change-set][data-exchange-id="${exchangeId}"]`);
}

/** One file of that change set. */
export function fileRow(chat: Frame, exchangeId: string, path: string) {
  return changeSet(chat, exchangeId).locator(`[data-testid=review-file][data-path="${path}"]`);
}
