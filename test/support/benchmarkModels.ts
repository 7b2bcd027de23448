// Scripted models for RefactorBench's fixture (test/fixtures/refactorbench), served by the FakeModelServer: the
// RLM root proposes edits in code that the real sandbox runs (itself, or through child runs), the plain model
// answers with a diff of the files it was sent. Used by test/core/eval/refactorBench.test.ts and the README's
// example (fakeBenchmarkDemo.ts).

import { createHash } from 'node:crypto';
import { createTwoFilesPatch } from 'diff';
import { REFACTOR_VANILLA_SYSTEM } from '../../src/core/eval/benchmarks/refactorRun';
import type { FakeRequest, FakeResponder } from '../fakes/FakeModelServer';
import { code } from './scriptedModels';

const RENAME = [
  ['src/flask/helpers.py', [['def send_from_directory(', 'def send_from_directory_helper(']]],
  ['src/flask/app.py', [['from .helpers import send_from_directory\n', 'from .helpers import send_from_directory_helper\n'], ['return send_from_directory(', 'return send_from_directory_helper(']]],
  ['src/flask/__init__.py', [['from .helpers import send_from_directory as send_from_directory', 'from .helpers import send_from_directory_helper as send_from_directory']]],
] as const;

/** The child runs' files: every file of the rename. */
const RENAME_FILES = JSON.stringify(RENAME.map(([path]) => path));

/** Model code proposing `swaps` to each file of `edits`, as one proposal per file. */
function proposals(edits: ReadonlyArray<readonly [string, ReadonlyArray<readonly [string, string]>]>, why: string): string {
  return edits.map(([path, swaps]) => `propose_edit(${JSON.stringify(path)}, read(${JSON.stringify(path)})${swaps.map(([a, b]) => `.replace(${JSON.stringify(a)}, ${JSON.stringify(b)})`).join('')}, ${JSON.stringify(why)});`).join('\n');
}

/** The helper renamed another way: collides with RENAME on the same line of helpers.py. */
const OTHER_NAME = [['src/flask/helpers.py', [['def send_from_directory(', 'def send_from_directory_impl(']]]] as const;

/** Git's blob id of a text: what `index <before>..<after>` lines in `git diff` name. */
const blobId = (text: string) => createHash('sha1').update(`blob ${Buffer.byteLength(text)}\0${text}`).digest('hex');

/** One file's section of a diff: git's own format with `index` lines when `git` is set (so --3way can merge), else plain. */
function section(path: string, before: string, after: string, form: { bare?: boolean; git?: boolean }): string {
  const body = createTwoFilesPatch(form.bare ? path : `a/${path}`, form.bare ? path : `b/${path}`, before, after).split('\n').filter((l) => !/^(Index:|====)/.test(l)).join('\n');
  return form.git ? `diff --git a/${path} b/${path}\nindex ${blobId(before).slice(0, 12)}..${blobId(after).slice(0, 12)} 100644\n${body}` : body;
}

/**
 * The models: `right` makes the send_from_directory rename (the RLM by proposing the edits in code, the plain
 * model with a diff of the files it was sent) and does nothing on the other tasks; `idle` does nothing anywhere.
 * `partitioned`: the RLM root hands the rename to one child run (rlm_query), and that child tries a child of its
 * own. `conflicting`: the rename collides with a second rename of the helper to send_from_directory_impl, left
 * unresolved: the RLM root starts a child for each, the plain model's diff has a second section for helpers.py
 * made against the original text, which `git apply --3way` merges into a conflict.
 */
export function refactorModels(behaviour: 'right' | 'idle' | 'partitioned' | 'conflicting', options: { bare?: boolean } = {}): FakeResponder {
  return (req: FakeRequest) => {
    const system = req.messages[0]?.role === 'system' ? req.messages[0].content : '';
    const prompt = req.messages.find((m) => m.role === 'user')?.content ?? '';
    const rename = behaviour !== 'idle' && prompt.includes('send_from_directory_helper');
    if (system === REFACTOR_VANILLA_SYSTEM) {
      if (!rename) return 'I would need to see more of the repository before changing it.';
      const files = new Map<string, string>();
      for (const m of prompt.matchAll(/==> (\S+) <==\n([\s\S]*?)(?=\n==> |\n\nRequest: )/g)) files.set(m[1]!, m[2]!.endsWith('\n') ? m[2]! : m[2]! + '\n');
      const form = { bare: options.bare, git: behaviour === 'conflicting' };
      const renamed = (edits: typeof RENAME | typeof OTHER_NAME) => edits.map(([path, swaps]) => {
        const before = files.get(path)!;
        return section(path, before, swaps.reduce((t, [a, b]) => t.replace(a, b), before), form);
      }).join('');
      return `Here is the change:\n\n\`\`\`diff\n${renamed(RENAME)}${behaviour === 'conflicting' ? renamed(OTHER_NAME) : ''}\`\`\`\n`;
    }
    if (!system) return 'unused';
    const partition = /PARTITION (\w+)/.exec(prompt)?.[1];
    if (partition === 'rename') {
      return code('My partition: the rename; one level down would help.', `${proposals(RENAME, 'rename send_from_directory')}\nprint(await rlm_query("DEEPER: anything left to rename?"));\nFINAL("renamed in 3 files")`);
    }
    if (partition === 'other') return code('My partition: another name.', `${proposals(OTHER_NAME, 'rename send_from_directory another way')}\nFINAL("renamed the helper")`);
    if (!rename) return code('Nothing to do.', 'FINAL("I made no change.")');
    if (behaviour === 'partitioned') return code('One partition does it.', `print(await rlm_query("PARTITION rename: send_from_directory to send_from_directory_helper", {files: ${RENAME_FILES}}));\nFINAL("Renamed send_from_directory to send_from_directory_helper.")`);
    if (behaviour === 'conflicting') {
      return code('Two partitions.', `await Promise.all([rlm_query("PARTITION rename: send_from_directory to send_from_directory_helper", {files: ${RENAME_FILES}}), rlm_query("PARTITION other: send_from_directory to send_from_directory_impl", {files: ["src/flask/helpers.py"]})]);\nFINAL("Renamed, with a conflict left.")`);
    }
    return code('Rename the helper and keep the public name.', `${proposals(RENAME, 'rename send_from_directory')}\nFINAL("Renamed send_from_directory to send_from_directory_helper.")`);
  };
}
