// What RLM's tools hand back to the agent that called them (VS Code's agent-mode tools, an MCP client), as text a
// model reads: the answer and the files it rests on; or the proposed change as its summary and a patch, never
// written. One wording for every entry point.

import type { ProposalReport } from '../edits/proposalReport';
import type { StopReason } from '../trajectory/events';

export interface ToolAnswer {
  answer: string;
  stopReason?: StopReason;
  /** Why the run stopped, when it was not a final answer. */
  detail?: string;
  /** Workspace-relative files the answer rests on: read by the run, or cited by the answer. */
  files: readonly string[];
  /** "3 turns, 12 sub-calls, $0.0123": said last. */
  figures: string;
}

/** The answer, then the files, then how the run ended when it did not end with a final answer. */
export function answerText(a: ToolAnswer): string {
  const parts = [a.answer.trim() || '(no answer)'];
  if (a.files.length > 0) parts.push(`Files this answer rests on:\n${a.files.map((f) => `- ${f}`).join('\n')}`);
  if (a.stopReason && a.stopReason !== 'final') parts.push(`Note: the run stopped before a final answer (${a.stopReason})${a.detail ? `: ${a.detail}` : ''}. The answer above is the best it had.`);
  parts.push(`(RLM: ${a.figures})`);
  return parts.join('\n\n');
}

/** The refactor's summary and patch, or why there is none; nothing of it was written. */
export function refactorText(report: ProposalReport | undefined, a: ToolAnswer): string {
  if (!report) return `${answerText(a)}\n\nThe run proposed no change.`;
  return [
    report.summary.trim(),
    `Patch (nothing was written; apply it with \`git apply\` after review):\n\n\`\`\`diff\n${report.patch.trimEnd()}\n\`\`\``,
    answerText({ ...a, files: [] }),
  ].join('\n\n');
}

