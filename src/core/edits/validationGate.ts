// Whether the user's check (the CLI's --validate, the editor's rlm.validateCommand) may run after a change set
// was applied. The check is the user's command, but what it runs can be text the model wrote: a script it names
// (`sh ./check.sh`), package.json scripts behind `npm test`, a Makefile behind `make`. So it does not run when:
// - nothing was written: there is nothing to check;
// - a file was refused: the check would judge half of the change. Which files a check reads cannot be told
//   (`npm test` reads every source file), so any refusal stops it, not only one of a file it names;
// - a sensitive file was written (sensitive.ts): those are the files that name the commands tools run;
// - the command runs a file that was written: as a command (`./check`, `tools/verify`) or through an interpreter
//   (`python tools/check.py`, `node verify.js`, `bash -c "sh x"`). A file the command only reads (`grep -q x
//   src/a.ts`) does not count, nor do tests a runner finds by itself: checking the change's code is the point.
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
  const run = filesRunBy(command, written, input.root);
  if (run.length > 0) {
    return `The command runs ${list(run)}, which the change set wrote: it would run what the model wrote. Read the change, then run the check yourself.`;
  }
  return undefined;
}

/** Programs that run the file given as an argument. */
const INTERPRETER = /^(?:sh|bash|zsh|dash|ksh|fish|source|\.|node|nodejs|deno|bun|tsx|ts-node|(?:python|pypy)[\d.]*|py|ruby|perl|php|pwsh|powershell|lua|rscript)$/i;
const SHELL = /^(?:sh|bash|zsh|dash|ksh|fish)$/i;
/** Words that run the rest of their simple command as a command. */
const WRAPPER = /^(?:env|exec|time|nice|nohup|command|builtin|sudo)$/i;

/** The written files (or their old paths) the command runs: as a command word, or as an interpreter's argument. */
export function filesRunBy(command: string, written: readonly WrittenFile[], root?: string): string[] {
  const prefix = root === undefined ? undefined : `${root.replace(/[\\/]+$/, '').replace(/\\/g, '/')}/`.toLowerCase();
  const comparable = (word: string) => {
    let w = word.replace(/\\/g, '/').toLowerCase().replace(/^\$\{?pwd\}?\//, '');
    if (prefix && w.startsWith(prefix)) w = w.slice(prefix.length);
    return w.replace(/^(?:\.\/)+/, '');
  };
  const runs = new Set<string>();
  const visit = (text: string, depth: number) => {
    for (const words of simpleCommands(text)) {
      let i = 0;
      while (i < words.length && (/^[A-Za-z_]\w*=/.test(words[i]!) || WRAPPER.test(words[i]!) || (i > 0 && WRAPPER.test(words[i - 1]!) && words[i]!.startsWith('-')))) i++;
      const program = words[i];
      if (program === undefined) continue;
      runs.add(comparable(program));
      const name = program.split(/[\\/]/).pop()!;
      if (!INTERPRETER.test(name)) continue;
      const args = words.slice(i + 1);
      const inline = args.indexOf('-c');
      if (SHELL.test(name) && inline >= 0) {
        if (depth < 3 && args[inline + 1] !== undefined) visit(args[inline + 1]!, depth + 1);
        continue;
      }
      for (const arg of args) if (!arg.startsWith('-')) runs.add(comparable(arg));
    }
  };
  visit(command, 0);
  return written.filter((f) => [f.path, f.from].some((p) => p !== undefined && runs.has(p.toLowerCase()))).map((f) => f.path);
}

/** The words of each simple command (split at ; & | ( ) ` $( and line breaks), quotes and backslashes removed. */
function simpleCommands(text: string): string[][] {
  const commands: string[][] = [[]];
  let word: string | undefined;
  let quote: string | undefined;
  const end = () => {
    if (word !== undefined) commands.at(-1)!.push(word);
    word = undefined;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < text.length) word += text[++i];
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      word ??= '';
    } else if (c === '\\' && i + 1 < text.length) {
      word = (word ?? '') + text[++i];
    } else if (';&|()`\n'.includes(c) || (c === '$' && text[i + 1] === '(')) {
      end();
      commands.push([]);
    } else if (/\s/.test(c) || c === '<' || c === '>') {
      end();
    } else {
      word = (word ?? '') + c;
    }
  }
  end();
  return commands.filter((words) => words.length > 0);
}

function count(n: number, one: string, many: string): string {
  return n === 1 ? `1 ${one}` : `${n} ${many}`;
}

function list(paths: readonly string[]): string {
  return paths.length <= SHOWN ? paths.join(', ') : `${paths.slice(0, SHOWN).join(', ')} and ${paths.length - SHOWN} more`;
}
