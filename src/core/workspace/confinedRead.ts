// Read-time confinement: every reader of file content (host or worker) opens an indexed file through
// here, which checks that what it opened is the file the index admitted (`target ?? path` under the
// root). The disk may change after indexing: a file swapped for a symlink to ~/.ssh/id_rsa, .git/config or
// a gitignored .env must be refused, not read.
//
// On Linux the check reads the real path of the open descriptor from /proc/self/fd, so nothing can change
// between checking and opening. Elsewhere ('inode') the path is resolved before opening and again after,
// and the opened file's device and inode must equal those of the admitted path; a swap out and back
// between those steps is the residual race (README.md says so).
//
// Imports nothing but node:fs and node:path, so worker threads load it cheaply.

import { closeSync, constants, existsSync, fstatSync, lstatSync, openSync, readSync, readlinkSync, realpathSync, type Stats } from 'node:fs';
import { lstat, open, readlink, realpath } from 'node:fs/promises';
import * as path from 'node:path';
import { pathInside } from './rootPaths';

/** What a reader knows of an indexed file (an IndexedFile is one). */
export interface ConfinedFile {
  /** Workspace-relative, with '/'. */
  readonly path: string;
  /** For a symlink: the workspace-relative real path of its target when it was indexed. */
  readonly target?: string;
}

export type ConfinementProblem = 'missing' | 'outside' | 'moved' | 'not-a-file' | 'too-large' | 'unreadable';

/** A refused read, with a message model code can act on (it never names a path outside the workspace). */
export class ConfinementError extends Error {
  override name = 'ConfinementError';
  constructor(readonly problem: ConfinementProblem, readonly path: string, message: string) {
    super(message);
  }
}

export interface ConfinedReadOptions {
  /** Files larger than this are refused ('too-large'): pass the index's maxFileBytes. */
  maxBytes: number;
  /**
   * How the opened file is checked: 'proc-fd' (the descriptor's real path, Linux) or 'inode' (realpath
   * before and after opening, plus device and inode). Default: 'proc-fd' where /proc/self/fd exists.
   */
  verification?: 'proc-fd' | 'inode';
}

// O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever (it is then refused as
// not a regular file). O_NOCTTY: a terminal must never become the process's controlling terminal.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);
// Files report size 0 when the size is unknown; read those in chunks of this size.
const FIRST_CHUNK = 64 * 1024;
const HAS_PROC_FD = process.platform === 'linux' && existsSync('/proc/self/fd');

/** The UTF-8 text of an indexed file, read only when it is still the file that was admitted. Throws ConfinementError. */
export function readConfinedSync(root: string, file: ConfinedFile, options: ConfinedReadOptions): string {
  const check = new Check(root, file, options);
  if (check.procFd) {
    if (file.target === undefined && lstatSync(check.absolute, { throwIfNoEntry: false })?.isSymbolicLink()) {
      // A plain file that became a link is refused without opening the link at all.
      check.resolvedTo(attempt(() => realpathSync.native(check.absolute)));
      throw check.problem('moved', 'it is now a symlink');
    }
  } else {
    check.resolvedTo(attempt(() => realpathSync.native(check.absolute)));
  }
  let fd: number;
  try {
    fd = openSync(check.absolute, OPEN_FLAGS);
  } catch (error) {
    throw check.failed(error);
  }
  try {
    const opened = fstatSync(fd);
    if (check.procFd) {
      check.descriptorIs(readlinkSync(`/proc/self/fd/${fd}`), opened);
    } else {
      check.resolvedTo(attempt(() => realpathSync.native(check.absolute)));
      check.sameFile(opened, lstatSync(check.expected, { throwIfNoEntry: false }));
    }
    check.regularAndSmall(opened);
    const reader = check.reader(opened.size);
    while (reader.add(readSync(fd, reader.buffer, reader.length, reader.buffer.length - reader.length, null)));
    return reader.text();
  } finally {
    closeSync(fd);
  }
}

/** Like readConfinedSync, without blocking the event loop. */
export async function readConfined(root: string, file: ConfinedFile, options: ConfinedReadOptions): Promise<string> {
  const check = new Check(root, file, options);
  if (check.procFd) {
    if (file.target === undefined && (await lstat(check.absolute).catch(() => undefined))?.isSymbolicLink()) {
      check.resolvedTo(await attemptAsync(realpath(check.absolute)));
      throw check.problem('moved', 'it is now a symlink');
    }
  } else {
    check.resolvedTo(await attemptAsync(realpath(check.absolute)));
  }
  const handle = await open(check.absolute, OPEN_FLAGS).catch((error: unknown) => { throw check.failed(error); });
  try {
    // Both questions at once: each is a round trip through libuv's thread pool.
    const [opened, real] = await Promise.all([handle.stat(), check.procFd ? readlink(`/proc/self/fd/${handle.fd}`) : attemptAsync(realpath(check.absolute))]);
    if (check.procFd) {
      check.descriptorIs(real as string, opened);
    } else {
      check.resolvedTo(real);
      check.sameFile(opened, await lstat(check.expected).catch(() => undefined));
    }
    check.regularAndSmall(opened);
    const reader = check.reader(opened.size);
    while (reader.add((await handle.read(reader.buffer, reader.length, reader.buffer.length - reader.length, null)).bytesRead));
    return reader.text();
  } finally {
    await handle.close();
  }
}

/** For readers that skip what they cannot read (search, parsing): the text, or undefined when refused or gone. */
export function readIfConfined(root: string, file: ConfinedFile, maxBytes: number): string | undefined {
  try {
    return readConfinedSync(root, file, { maxBytes });
  } catch {
    return undefined;
  }
}

/** True when checkConfined passes. */
export function stillConfined(root: string, file: ConfinedFile, maxBytes = Infinity): boolean {
  try {
    checkConfined(root, file, maxBytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks without opening it that an indexed file still resolves to its admitted real path and is a regular
 * file (within `maxBytes` when given), for readers that hand paths to another program (ripgrep): check
 * before and after it runs. Throws ConfinementError.
 */
export function checkConfined(root: string, file: ConfinedFile, maxBytes = Infinity): void {
  const check = new Check(root, file, { maxBytes, verification: 'inode' });
  check.resolvedTo(attempt(() => realpathSync.native(check.absolute)));
  const stats = lstatSync(check.expected, { throwIfNoEntry: false });
  if (!stats) throw check.problem('missing');
  check.regularAndSmall(stats);
}

/** The comparisons and messages shared by every variant, for one file. */
class Check {
  readonly absolute: string;
  /** The admitted real path: `target ?? path` under the root. */
  readonly expected: string;
  readonly maxBytes: number;
  readonly procFd: boolean;

  constructor(readonly root: string, readonly file: ConfinedFile, options: ConfinedReadOptions) {
    if (typeof options.maxBytes !== 'number' || !(options.maxBytes > 0)) {
      throw new Error(`maxBytes must be a positive number of bytes, got ${options.maxBytes}`);
    }
    this.maxBytes = options.maxBytes;
    this.procFd = (options.verification ?? (HAS_PROC_FD ? 'proc-fd' : 'inode')) === 'proc-fd';
    this.absolute = path.join(root, file.path);
    this.expected = path.join(root, file.target ?? file.path);
  }

  /** The path resolved to `real` (or failed to resolve): it must be the admitted path. */
  resolvedTo(real: string | Error): void {
    if (real instanceof Error) throw this.failed(real);
    if (real === this.expected) return;
    const now = pathInside(this.root, real);
    if (now === undefined || now === '') throw this.problem('outside', 'it is now a symlink that leads outside the workspace');
    if (this.file.target === undefined) throw this.problem('moved', `it is now a symlink to '${now}'`);
    if (now === this.file.path) throw this.problem('moved', `it is no longer a symlink to '${this.file.target}'`);
    throw this.problem('moved', `it now leads to '${now}' instead of '${this.file.target}'`);
  }

  /** /proc method: the open descriptor's real path. */
  descriptorIs(real: string, opened: Stats): void {
    // A file deleted while open reads "<path> (deleted)"; it is still the admitted file when the names agree.
    if (real === this.expected + ' (deleted)' && opened.nlink === 0) return;
    this.resolvedTo(real);
  }

  /** inode method: what was opened is what the admitted path holds now. */
  sameFile(opened: Stats, now: Stats | undefined): void {
    if (!now || now.dev !== opened.dev || now.ino !== opened.ino) throw this.problem('moved', 'it was replaced while being read; read it again');
  }

  regularAndSmall(stats: Stats): void {
    if (stats.isDirectory()) throw this.problem('not-a-file', 'it is now a folder');
    if (!stats.isFile()) throw this.problem('not-a-file', 'it is no longer a regular file (a pipe, socket or device)');
    if (stats.size > this.maxBytes) throw this.problem('too-large');
  }

  /** A buffer filled by successive reads; one byte over the limit, so growth since fstat is caught, not cut. */
  reader(size: number) {
    const check = this;
    return {
      buffer: Buffer.allocUnsafe(Math.min(this.maxBytes, size || FIRST_CHUNK) + 1),
      length: 0,
      /** Takes one read's byte count; false at the end of the file. */
      add(bytesRead: number): boolean {
        if (bytesRead === 0) return false;
        this.length += bytesRead;
        if (this.length > check.maxBytes) throw check.problem('too-large');
        if (this.length === this.buffer.length) {
          const bigger = Buffer.allocUnsafe(Math.min(check.maxBytes + 1, this.buffer.length * 2));
          this.buffer.copy(bigger);
          this.buffer = bigger;
        }
        return true;
      },
      text(): string {
        return this.buffer.toString('utf8', 0, this.length);
      },
    };
  }

  failed(error: unknown): ConfinementError {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return this.problem('missing');
    if (code === 'ELOOP') return this.problem('moved', 'it is now a symlink loop');
    return new ConfinementError('unreadable', this.file.path, `File '${this.file.path}' cannot be read (${code ?? String(error)})`);
  }

  problem(problem: ConfinementProblem, detail?: string): ConfinementError {
    const { path: name } = this.file;
    const message = problem === 'missing' ? `File '${name}' is gone: it was deleted or moved since it was indexed`
      : problem === 'too-large' ? `File '${name}' has grown past the ${this.maxBytes}-byte limit since it was indexed`
      : `File '${name}' changed since it was indexed: ${detail}`;
    return new ConfinementError(problem, name, message);
  }
}

function attempt(resolve: () => string): string | Error {
  try {
    return resolve();
  } catch (error) {
    return error as Error;
  }
}

function attemptAsync(promise: Promise<string>): Promise<string | Error> {
  return promise.catch((error: Error) => error);
}
