// The edit functions lent to model code in a workspace: propose_edit, propose_rename, propose_delete and
// pending_edits, over the current run's proposals (RunEdits). Host functions of kind 'blocking': a proposal
// may read its base from disk, and model code gets its result (or its error) as a plain call.

import type { HostFunctionSpec } from '../sandbox/types';
import { describeType } from '../workspace/queries/patterns';
import type { RlmRun } from './RlmRun';

export function editFunctions(current: () => RlmRun): Record<string, HostFunctionSpec> {
  const proposal = (fn: (run: RlmRun, args: unknown[]) => Promise<unknown>): HostFunctionSpec => ({
    kind: 'blocking',
    fn: (args: unknown[]) => {
      const run = current();
      return fn(run, args);
    },
  });
  return {
    propose_edit: proposal((run, [path, edit, description]) => {
      if (typeof edit !== 'string' && !Array.isArray(edit)) {
        throw new Error(`propose_edit: the edit must be the whole new text (a string) or an array of {find, replace} pairs, got ${describeType(edit)}`);
      }
      return run.edits.propose(run.cellOrRunId, textSize(edit), (changes) => changes.proposeEdit(path as string, edit, optionalDescription(description, 'propose_edit')));
    }),
    propose_rename: proposal((run, [from, to, description]) =>
      run.edits.propose(run.cellOrRunId, 0, (changes) => changes.proposeRename(from as string, to as string, optionalDescription(description, 'propose_rename')))),
    propose_delete: proposal((run, [path, description]) =>
      run.edits.propose(run.cellOrRunId, 0, (changes) => changes.proposeDelete(path as string, optionalDescription(description, 'propose_delete')))),
    pending_edits: proposal((run) => run.edits.pending()),
  };
}

/** New text an edit brings: the whole text, or every replacement (a bad pair is ChangeSet's to report). */
function textSize(edit: string | unknown[]): number {
  if (typeof edit === 'string') return edit.length;
  return edit.reduce<number>((n, pair) => n + (typeof (pair as { replace?: unknown })?.replace === 'string' ? (pair as { replace: string }).replace.length : 0), 0);
}

function optionalDescription(value: unknown, fn: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new Error(`${fn}: the description must be a string, got ${describeType(value)}`);
  return value;
}
