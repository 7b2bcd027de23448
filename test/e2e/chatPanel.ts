// VS Code's own Chat view and language-model tools, driven as the e2e tests need them: a command with arguments run
// through the probe extension (the palette cannot pass them), a question to `@rlm` with a picked model (VS Code's
// `workbench.action.chat.open` with `{query, modelSelector}`), the progress lines and requests recorded as the page
// draws them (a MutationObserver, with the page's clock), and the response's parts read from the DOM. The probe also
// fills the Problems list as a linter extension would (setProblems).

import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TIMEOUTS, waitFor, type VsCodeSession } from './harness';

/** Runs `command` with `args` in the extension host (through the probe); its result, or its error. */
export async function execute(vs: VsCodeSession, command: string, ...args: unknown[]): Promise<{ result?: unknown; error?: string; at: number }> {
  return probe(vs, 'execute', 'RLM E2E: Probe Execute', { command, args });
}

export interface ToolCall {
  text?: string;
  error?: string;
  /** From the call to its end; afterCancelMs from cancelTool to its end. */
  ms: number;
  afterCancelMs?: number;
}

/**
 * vscode.lm.invokeTool from another extension (the probe), as an agent would call the tool; `confirm` answers the
 * tool's confirmation (VS Code asks before a tool's first run) and returns what it said.
 */
export async function invokeTool(vs: VsCodeSession, name: string, input: unknown, options: { cancelAfterMs?: number; timeoutMs?: number; confirm?: 'Yes' | 'Cancel' } = {}): Promise<ToolCall & { confirmation?: string }> {
  const call = probe<ToolCall>(vs, 'invokeTool', 'RLM E2E: Probe Invoke Tool', { name, input, cancelAfterMs: options.cancelAfterMs }, options.timeoutMs);
  if (!options.confirm) return call;
  const confirmation = await answerConfirmation(vs, options.confirm);
  return { ...(await call), confirmation };
}

/** Answers the modal VS Code shows before a tool runs; its text. */
export async function answerConfirmation(vs: VsCodeSession, button: 'Yes' | 'Cancel'): Promise<string> {
  const dialog = vs.workbench.page.locator('.monaco-dialog-box');
  await dialog.waitFor({ timeout: TIMEOUTS.command });
  const text = (await dialog.textContent()) ?? '';
  await dialog.locator('.monaco-button', { hasText: new RegExp(`^${button}$`) }).click();
  await dialog.waitFor({ state: 'detached', timeout: TIMEOUTS.command });
  return text;
}

/** Cancels the tool call under way (through the probe); false when none was. */
export async function cancelTool(vs: VsCodeSession): Promise<boolean> {
  return (await probe<{ cancelled: boolean }>(vs, 'cancelTool', 'RLM E2E: Probe Cancel Tool')).cancelled;
}

/** vscode.lm.tools as another extension sees them. */
export async function listedTools(vs: VsCodeSession): Promise<Array<{ name: string; description: string; inputSchema?: Record<string, unknown>; tags: string[] }>> {
  return (await probe<{ tools: Array<{ name: string; description: string; inputSchema?: Record<string, unknown>; tags: string[] }> }>(vs, 'tools', 'RLM E2E: Probe Tools')).tools;
}

/** One entry of the Problems list: `file` absolute, `line` 1-based. */
export interface ProbeProblem {
  file: string;
  line: number;
  severity: 'error' | 'warning' | 'info' | 'hint';
  message: string;
  source?: string;
}

/** Puts these entries in the editor's Problems list (through the probe, replacing its earlier ones); the list's size then. */
export async function setProblems(vs: VsCodeSession, problems: readonly ProbeProblem[]): Promise<number> {
  return (await probe<{ count: number }>(vs, 'diagnostics', 'RLM E2E: Probe Set Diagnostics', { problems })).count;
}

async function probe<T>(vs: VsCodeSession, name: string, title: string, request?: unknown, timeoutMs = TIMEOUTS.command): Promise<T> {
  const out = join(vs.root, `${name}.json`);
  await rm(out, { force: true });
  if (request !== undefined) await writeFile(join(vs.root, `${name}.request.json`), JSON.stringify(request));
  await vs.workbench.runCommand(title);
  return waitFor(async () => JSON.parse(await readFile(out, 'utf8').catch(() => 'null')) ?? undefined, { timeoutMs, what: `the probe's ${name}.json` });
}

/** Sends `query` in VS Code's Chat view with the test extension's model picked (no Copilot: "Auto" answers nothing). */
export async function sendInChatView(vs: VsCodeSession, query: string, model: { vendor: string; id: string }): Promise<void> {
  const { error } = await execute(vs, 'workbench.action.chat.open', { query, modelSelector: model });
  if (error) throw new Error(`workbench.action.chat.open refused "${query}": ${error}`);
}

export interface ChatRecording {
  /** Each progress line the Chat view drew, with when (the page's Date.now()). */
  progress: Array<{ text: string; at: number }>;
  /** Each request row drawn, by its text. */
  requests: Array<{ text: string; at: number }>;
  /** Text the responses drew, by when it first appeared (for "Stopped."). */
  marks: Array<{ text: string; at: number }>;
}

/** Starts recording what the Chat view draws; read it with `recorded`. `marks` are texts to time when they appear. */
export async function recordChat(vs: VsCodeSession, marks: readonly string[] = []): Promise<void> {
  // A string, not a function: the test runner's transpiler adds helpers to named functions that the page lacks.
  await vs.workbench.page.evaluate(`(${RECORDER})(${JSON.stringify(marks)})`);
}

const RECORDER = `(watched) => {
  const record = { progress: [], requests: [], marks: [] };
  window.__rlmChat = record;
  const last = new WeakMap();
  const marked = new WeakSet();
  const note = (selector, into) => {
    for (const el of document.querySelectorAll(selector)) {
      const text = (el.textContent || '').trim();
      if (text && last.get(el) !== text) {
        last.set(el, text);
        into.push({ text, at: Date.now() });
      }
    }
  };
  new MutationObserver(() => {
    note('.interactive-session .progress-step', record.progress);
    note('.interactive-session .interactive-request .value', record.requests);
    for (const el of document.querySelectorAll('.interactive-session .interactive-response .chat-markdown-part')) {
      if (marked.has(el)) continue;
      const mark = watched.find((m) => (el.textContent || '').includes(m));
      if (mark) {
        marked.add(el);
        record.marks.push({ text: mark, at: Date.now() });
      }
    }
  }).observe(document.body, { subtree: true, childList: true, characterData: true });
}`;

export function recorded(vs: VsCodeSession): Promise<ChatRecording> {
  return vs.workbench.page.evaluate('window.__rlmChat') as Promise<ChatRecording>;
}

/** The last response in the Chat view. */
export function lastResponse(vs: VsCodeSession) {
  return vs.workbench.page.locator('.interactive-session .interactive-response').last();
}

/** Waits for the last response to show one of `texts` (the end of an @rlm reply: its button, or its failure). */
export async function responseShows(vs: VsCodeSession, texts: readonly string[], timeoutMs: number): Promise<string> {
  return waitFor(async () => {
    const text = await lastResponse(vs).textContent({ timeout: 1000 }).catch(() => '');
    return texts.find((t) => text?.includes(t));
  }, { timeoutMs, what: `the Chat view's response to show ${texts.map((t) => JSON.stringify(t)).join(' or ')}` });
}
