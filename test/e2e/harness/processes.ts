// The child processes an end-to-end test starts (the installer, vsce, code-server and what it spawns, Chromium).
// Never a synchronous child call: the fake model server answers from this same process, so blocking it would
// deadlock the editor's requests to it (STACK.md). A session's processes are found through the process tree and a
// marker in their environment, so whatever code-server or an extension left behind can be reported and ended by pid.

import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/** The environment variable that tags every process of one e2e session. */
export const SESSION_MARKER = 'RLM_E2E_SESSION';
/** Output kept per process (the tail): enough for any failure message, bounded for a chatty server. */
const OUTPUT_LIMIT = 1 << 20;

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** Named in errors: "packaging the extension timed out after 120 s". */
  what: string;
  /** Also pass the child's stderr through to ours (progress of a long install). */
  echoStderr?: boolean;
}

/** Runs a command to completion and returns its output; a non-zero exit or the timeout rejects with the output's tail. */
export async function run(command: string, args: string[], options: RunOptions): Promise<{ stdout: string; stderr: string }> {
  const child = Managed.start(command, args, options);
  if (options.echoStderr) child.onStderr((text) => process.stderr.write(text));
  const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), options.timeoutMs);
  try {
    const { code, signal } = await child.exited;
    if (code !== 0) {
      const why = signal === 'SIGKILL' ? `timed out after ${options.timeoutMs / 1000} s` : `failed (exit ${signal ?? code})`;
      throw new Error(`${options.what} ${why}: ${command} ${args.join(' ')}\n${tail(child.output(), 3000)}`);
    }
    return { stdout: child.stdout, stderr: child.stderr };
  } finally {
    clearTimeout(timer);
  }
}

/** A long-running child in its own process group, with its output kept and a way to wait for a line of it. */
export class Managed {
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private combined = '';
  private exitStatus: { code: number | null; signal: NodeJS.Signals | null } | undefined;

  private constructor(private readonly child: ChildProcess) {
    live.add(this);
    this.exited = new Promise((resolve) => {
      const settle = (code: number | null, signal: NodeJS.Signals | null) => {
        if (this.exitStatus) return;
        live.delete(this);
        this.exitStatus = { code, signal };
        resolve(this.exitStatus);
      };
      child.on('close', settle);
      child.on('error', (err) => {
        this.combined += `\n[spawn error] ${err.message}\n`;
        if (child.pid === undefined) settle(-1, null); // never started: no 'close' to wait for
      });
    });
    child.stdout!.setEncoding('utf8').on('data', (text: string) => { this.stdout = keepTail(this.stdout + text); this.combined = keepTail(this.combined + text); });
    child.stderr!.setEncoding('utf8').on('data', (text: string) => { this.stderr = keepTail(this.stderr + text); this.combined = keepTail(this.combined + text); });
  }

  static start(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Managed {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    return new Managed(child);
  }

  onStderr(listener: (text: string) => void): void {
    this.child.stderr!.on('data', listener);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return this.exitStatus === undefined && this.child.pid !== undefined;
  }

  /** stdout and stderr as they came, interleaved. */
  output(): string {
    return this.combined;
  }

  /** Resolves with the first match of `pattern` in the output; rejects when the process exits first or on the timeout. */
  async waitForOutput(pattern: RegExp, timeoutMs: number, what: string): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = this.combined.match(pattern);
      if (match) return match;
      if (!this.running) throw new Error(`${what}: the process exited (${JSON.stringify(this.exitStatus)}) first:\n${tail(this.combined, 3000)}`);
      if (Date.now() > deadline) throw new Error(`${what}: nothing matched ${pattern} within ${timeoutMs / 1000} s:\n${tail(this.combined, 3000)}`);
      await sleep(100);
    }
  }

  /** Signals the process itself (not its group); false when it had already gone. */
  kill(signal: NodeJS.Signals): boolean {
    if (!this.running) return false;
    try {
      process.kill(this.pid, signal);
      return true;
    } catch {
      return false;
    }
  }

  /** Asks the process to stop (SIGTERM), then forces it after `graceMs`; resolves once it has exited. */
  async stop(graceMs: number): Promise<void> {
    if (!this.running) return;
    this.kill('SIGTERM');
    const forced = setTimeout(() => killGroup(this.pid, 'SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(forced);
  }
}

/** A process as /proc shows it; `started` (clock ticks since boot) tells a pid apart from a later reuse of it. */
export interface ProcessInfo {
  pid: number;
  ppid: number;
  started: number;
  command: string;
}

/** Every live process (not zombies) with its parent and start time (Linux /proc). */
async function allProcesses(): Promise<ProcessInfo[]> {
  const found: ProcessInfo[] = [];
  for (const entry of await readdir('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = await readFile(`/proc/${pid}/stat`, 'latin1');
      // The command name is in parentheses and may hold spaces: the fields after the last ')' are fixed.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z') continue; // ended; its parent reaps it
      const command = (await readFile(`/proc/${pid}/cmdline`, 'latin1')).replaceAll('\0', ' ').trim();
      found.push({ pid, ppid: Number(fields[1]), started: Number(fields[19]), command });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/**
 * The processes of a session: `root` and its descendants, plus any process whose environment holds
 * `${SESSION_MARKER}=${marker}` (one that was re-parented, or started outside the tree). VS Code starts some helpers
 * with an environment of its own, so neither way alone finds them all.
 */
export async function sessionProcesses(root: number, marker: string): Promise<ProcessInfo[]> {
  const all = await allProcesses();
  const children = new Map<number, ProcessInfo[]>();
  for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const found = new Map<number, ProcessInfo>();
  const visit = (pid: number) => {
    for (const child of children.get(pid) ?? []) {
      if (found.has(child.pid)) continue;
      found.set(child.pid, child);
      visit(child.pid);
    }
  };
  const self = all.find((p) => p.pid === root);
  if (self) found.set(root, self);
  visit(root);
  const needle = `${SESSION_MARKER}=${marker}\0`;
  for (const p of all) {
    if (found.has(p.pid) || p.pid === process.pid) continue;
    const environ = await readFile(`/proc/${p.pid}/environ`, 'latin1').catch(() => '');
    if (environ.includes(needle)) found.set(p.pid, p);
  }
  return [...found.values()];
}

/** False once `pid` has ended (a zombie waiting for its parent to reap it counts as ended). */
export async function isRunning(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'latin1').catch(() => '');
  return stat !== '' && stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

/** Which of `processes` still run (the same pid and start time). */
export async function stillRunning(processes: ProcessInfo[]): Promise<ProcessInfo[]> {
  const now = new Map((await allProcesses()).map((p) => [p.pid, p]));
  return processes.filter((p) => now.get(p.pid)?.started === p.started);
}

/**
 * Waits up to `graceMs` for `processes` to end on their own, then ends the rest by pid (SIGTERM, then SIGKILL) and
 * returns them: what a clean shutdown would have left behind.
 */
export async function endProcesses(processes: ProcessInfo[], graceMs: number): Promise<string[]> {
  const deadline = Date.now() + graceMs;
  let left = await stillRunning(processes);
  while (left.length > 0 && Date.now() < deadline) {
    await sleep(200);
    left = await stillRunning(processes);
  }
  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    for (const { pid } of await stillRunning(left)) killPid(pid, signal);
    if ((await stillRunning(left)).length > 0) await sleep(1000);
  }
  return left.map(({ pid, command }) => `${pid} ${command.slice(0, 300)}`);
}

export function tail(text: string, chars: number): string {
  return text.length <= chars ? text : `...${text.slice(-chars)}`;
}

function keepTail(text: string): string {
  return text.length <= OUTPUT_LIMIT ? text : text.slice(-OUTPUT_LIMIT);
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  killPid(-pid, signal);
}

function killPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

// A test process that dies mid-run must not leave its code-servers behind: end their groups on the way out, then
// let the signal do what it would have done.
const live = new Set<Managed>();
const endAll = () => {
  for (const child of live) killGroup(child.pid, 'SIGKILL');
};
process.on('exit', endAll);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    endAll();
    process.kill(process.pid, signal);
  });
}
