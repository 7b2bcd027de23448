// A generated folder of many small, real-looking source files (TypeScript and Python), for tests of a first
// indexing that takes seconds: answers while the walk runs, progress, and stopping it. Also what a test
// needs to see that stopping left nothing behind (threads, child processes), read from /proc on Linux.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface BigTree {
  root: string;
  files: number;
  /** Path of the i-th file (0-based), workspace-relative. */
  pathOf(i: number): string;
}

const FOLDERS = 100;
const SUBFOLDERS = 20;

/** `files` files in FOLDERS x SUBFOLDERS folders; even ones TypeScript, odd ones Python, each defining names that end in its number. */
export function generateBigTree(files: number, prefix = 'big-tree-'): BigTree {
  // tmpfs where there is one: the test is about our walk, not about the disk.
  const root = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), prefix));
  const perFolder = Math.ceil(files / (FOLDERS * SUBFOLDERS));
  const pathOf = (i: number) => {
    const folder = Math.floor(i / perFolder);
    const name = i % 2 === 0 ? `service${i}.ts` : `handler${i}.py`;
    return `pkg${String(Math.floor(folder / SUBFOLDERS)).padStart(2, '0')}/mod${String(folder % SUBFOLDERS).padStart(2, '0')}/${name}`;
  };
  let madeFolder = '';
  for (let i = 0; i < files; i++) {
    const path = pathOf(i);
    const folder = path.slice(0, path.lastIndexOf('/'));
    if (folder !== madeFolder) {
      mkdirSync(join(root, folder), { recursive: true });
      madeFolder = folder;
    }
    writeFileSync(join(root, path), i % 2 === 0 ? typescript(i) : python(i));
  }
  return { root, files, pathOf };
}

function typescript(i: number): string {
  return `import { EventEmitter } from 'node:events';

export interface Options${i} {
  retries: number;
  timeoutMs: number;
}

export class Service${i} extends EventEmitter {
  constructor(private readonly options: Options${i}) {
    super();
  }

  run(input: string): string {
    this.emit('run', input);
    return input.trim().slice(0, this.options.retries);
  }
}

export function createService${i}(options: Options${i}): Service${i} {
  return new Service${i}(options);
}
`;
}

function python(i: number): string {
  return `import logging

log = logging.getLogger(__name__)


class Handler${i}:
    def __init__(self, name):
        self.name = name

    def handle(self, event):
        log.debug("handling %s", self.name)
        return event.get(self.name)


def make_handler_${i}(name):
    return Handler${i}(name)
`;
}

/** Threads of this process (Linux): worker threads show up here and leave when they end. */
export function threadCount(): number {
  return readdirSync('/proc/self/task').length;
}

/**
 * Live child processes of this process (Linux), e.g. an rg a search started, as their command lines. The
 * esbuild service that tsx (which runs the tests from source) starts is left out: it is not the product's.
 */
export function childProcesses(): string[] {
  const children: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid ...: comm may hold spaces, so read after its closing parenthesis.
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(ppid) !== process.pid || state === 'Z') continue;
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      if (!/\/tsx\/.*esbuild --service/.test(command)) children.push(`${entry} ${command}`);
    } catch {
      // gone meanwhile
    }
  }
  return children;
}

/** Polls `check` every 10 ms until it holds or `limitMs` passes; how long it took (or Infinity). */
export async function timeUntil(check: () => boolean, limitMs: number): Promise<number> {
  const started = performance.now();
  while (!check()) {
    if (performance.now() - started > limitMs) return Infinity;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return performance.now() - started;
}
