// The golden changes/<case> fixtures as runnable cases, shared by golden.test.ts and patch.test.ts.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ChangeSet } from '../../../src/core/edits/ChangeSet';
import { integrate, type Integration } from '../../../src/core/edits/integrate';

export const GOLDEN = join(__dirname, '..', '..', 'fixtures', 'edits');

/** The base files of a changes/<case>, by workspace path. */
export function baseFiles(name: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string, prefix: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name), `${prefix}${e.name}/`);
      else files.set(`${prefix}${e.name}`, readFileSync(join(dir, e.name), 'utf8'));
    }
  };
  walk(join(GOLDEN, 'changes', name, 'base'), '');
  return files;
}

type Op = { edit: string; text?: string; pairs?: Array<{ find: string; replace: string }>; description?: string } | { rename: [string, string]; description?: string } | { delete: string; description?: string };
interface PartitionScript { name: string; instruction?: string; readsAfter?: string; ops: Op[] }

/** Runs a changes/<case>'s partitions (each on its own change set) and integrates them. */
export async function runChangesCase(name: string): Promise<{ base: Map<string, string>; integration: Integration }> {
  const base = baseFiles(name);
  const readBase = async (p: string) => base.get(p);
  const scripts = JSON.parse(readFileSync(join(GOLDEN, 'changes', name, 'partitions.json'), 'utf8')) as PartitionScript[];
  const sets = new Map<string, ChangeSet>();
  for (const script of scripts) {
    // A partition that reads after another sees that one's output (a dependent partition).
    const earlier = script.readsAfter ? sets.get(script.readsAfter)! : undefined;
    const cs = new ChangeSet(earlier ? (p) => earlier.textOf(p) : readBase);
    for (const op of script.ops) {
      if ('edit' in op) await cs.proposeEdit(op.edit, op.text ?? op.pairs!, op.description);
      else if ('rename' in op) await cs.proposeRename(op.rename[0], op.rename[1], op.description);
      else await cs.proposeDelete(op.delete, op.description);
    }
    sets.set(script.name, cs);
  }
  const integration = await integrate({ read: readBase, partitions: scripts.map((s) => ({ partition: s.name, instruction: s.instruction, changes: sets.get(s.name)! })) });
  return { base, integration };
}

