// Whether the user's check (the CLI's --validate, the editor's rlm.validateCommand) may run after a change set
// was applied. The check is the user's command, but what it runs can be text the model wrote: a script it names
// (`sh ./check.sh`), package.json scripts behind `npm test`, a Makefile behind `make`. So it does not run when:
// - nothing was written: there is nothing to check;
// - a file was refused: the check would judge half of the change. Which files a check reads cannot be told
//   (`npm test` reads every source file), so any refusal stops it, not only one of a file it names;
// - a sensitive file was written (sensitive.ts): those are the files that name the commands tools run;
// - the command names a file that was written (`python tools/check.py`, `node verify.js`).
// The editor also reads the command again after saving the files, and does not run one that changed.

export interface WrittenFile {
  path: string;
  /** The old path of a renamed file. */
  from?: string;
}

export interface GateInput {
  /** Files the apply wrote (created, changed, renamed, deleted). */
  written: readonly WrittenFile[];
  /** Files the apply refused. */
  refused?: readonly string[];
  /** path -> why it is sensitive (SensitivePaths.of). */
  sensitive: ReadonlyMap<string, string>;
  /** The workspace folder on disk: an absolute path in the command under it names a workspace file. */
  root?: string;
}

const SHOWN = 5;

/** Why the check must not run now (a sentence ending in what to do), or undefined when it may. */
export function validationBlocked(command: string, input: GateInput): string | undefined {
  const { written, refused = [], sensitive } = input;
  if (written.length === 0) return 'Nothing was written, so there is nothing to check.';
  if (refused.length > 0) {
    return `${count(refused.length, 'file was', 'files were')} refused (${list(refused)}), so the check would judge half of the change: fix what was refused, then run it yourself.`;
  }
  const risky = written.filter((f) => sensitive.has(f.path));
  if (risky.length > 0) {
    return `The change set wrote ${count(risky.length, 'sensitive file', 'sensitive files')}, so the check could run what it wrote: ${sensitive.get(risky[0]!.path)}. Read the change, then run the check yourself.`;
  }
  const named = filesNamedIn(command, written, input.root);
  if (named.length > 0) {
    return `The command names ${list(named)}, which the change set wrote: it would run what the model wrote. Read the change, then run the check yourself.`;
  }
  return undefined;
}

/** The written files (or their old paths) that the command names, as a word of its own, relative or absolute. */
export function filesNamedIn(command: string, written: readonly WrittenFile[], root?: string): string[] {
  const prefix = root === undefined ? undefined : `${root.replace(/[\\/]+$/, '').replace(/\\/g, '/')}/`.toLowerCase();
  const words = new Set(command.split(/[\s;&|()<>`'"=,]+/).map((word) => {
    let w = word.replace(/\\/g, '/').toLowerCase();
    if (prefix && w.startsWith(prefix)) w = w.slice(prefix.length);
    return w.replace(/^(\.\/)+/, '');
  }));
  return written.filter((f) => [f.path, f.from].some((p) => p !== undefined && words.has(p.toLowerCase()))).map((f) => f.path);
}

function count(n: number, one: string, many: string): string {
  return n === 1 ? `1 ${one}` : `${n} ${many}`;
}

function list(paths: readonly string[]): string {
  return paths.length <= SHOWN ? paths.join(', ') : `${paths.slice(0, SHOWN).join(', ')} and ${paths.length - SHOWN} more`;
}
