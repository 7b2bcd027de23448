// The session's REPL: a Sandbox that is replaced when its worker had to be terminated (a cell that would
// not stop for its deadline or for cancellation). The model is told, in the next cell's output, that its
// variables are gone, so it rebuilds them instead of failing on undefined names.

import type { Sandbox, VariableInfo } from '../sandbox/Sandbox';
import type { CellResult } from '../sandbox/types';

export class Repl {
  private notice: string | undefined;
  private disposed = false;

  constructor(private sandbox: Sandbox, private readonly replace: () => Promise<Sandbox>) {}

  async run(code: string, options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<CellResult> {
    if (this.disposed) return { output: '', error: 'the session was closed', durationMs: 0 };
    if (this.sandbox.deadReason) await this.restart(this.sandbox.deadReason);
    const result = await this.sandbox.run(code, options);
    if (!this.notice) return result;
    const output = `[${this.notice}]\n${result.output}`;
    this.notice = undefined;
    return { ...result, output };
  }

  variables(): VariableInfo[] {
    return this.sandbox.variables();
  }

  dispose(): void {
    this.disposed = true;
    this.sandbox.dispose();
  }

  private async restart(reason: string): Promise<void> {
    this.sandbox.dispose();
    this.sandbox = await this.replace();
    this.notice = `The REPL was restarted because ${reason}. Variables from earlier cells are gone: recompute what you need.`;
  }
}
