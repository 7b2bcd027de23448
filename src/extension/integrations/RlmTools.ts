// RLM as tools for VS Code's agent mode (`#rlm` in a prompt): rlm_ask_codebase answers a question about the whole
// workspace and names the files the answer rests on; rlm_propose_refactor returns a change set as its summary and a
// patch, and writes nothing (the change set also waits in the sidebar's review). Both run as a sidebar question runs
// (askOutside: the settings' models, limits, caps, trace and history); the agent's input may lower a limit, never
// raise one, and the confirmation says the caps before anything is sent.

import * as vscode from 'vscode';
import { askedLimits, parseAskInput, questionWithPaths, refactorQuestion, type AskInput } from '../../core/integrations/askInput';
import { answerText, refactorText, type ToolAnswer } from '../../core/integrations/toolResults';
import { proposalReport } from '../../core/edits/proposalReport';
import { capsText, lowerLimits } from '../../core/loop/lowerLimits';
import { formatCost } from '../../core/models/costText';
import { titleOf } from '../chats/ChatStore';
import { LM_TOOLS } from '../commandIds';
import type { Log } from '../log';
import { limitsFrom } from '../settings';
import { askOutside, sensitivePatterns, type OutsideAnswer, type OutsideDeps } from './outsideQuestion';
import { BUSY } from './RlmParticipant';

export interface ToolDeps extends OutsideDeps {
  log: Log;
}

export function registerTools(deps: ToolDeps): vscode.Disposable[] {
  return [
    vscode.lm.registerTool<AskInput>(LM_TOOLS.askCodebase, tool(deps, 'ask')),
    vscode.lm.registerTool<AskInput>(LM_TOOLS.proposeRefactor, tool(deps, 'refactor')),
  ];
}

function tool(deps: ToolDeps, kind: 'ask' | 'refactor'): vscode.LanguageModelTool<AskInput> {
  return {
    prepareInvocation: (options) => {
      const caps = capsFor(deps, options.input);
      const what = kind === 'ask' ? 'answer a question about the workspace' : 'propose a change to the workspace (nothing is written)';
      return {
        invocationMessage: kind === 'ask' ? 'Asking RLM about the workspace…' : 'RLM is proposing a change…',
        confirmationMessages: {
          title: kind === 'ask' ? 'Ask RLM about the codebase?' : 'Let RLM propose a refactor?',
          message: new vscode.MarkdownString(`RLM will ${what} with the models set for it, sending the code it reads to their provider: ${caps}.`),
        },
      };
    },
    invoke: async (options, token) => {
      const input = parseAskInput(options.input);
      const question = questionWithPaths(input);
      const limits = askedLimits(input);
      deps.log.info(`The ${kind === 'ask' ? LM_TOOLS.askCodebase : LM_TOOLS.proposeRefactor} tool was called`);
      const asked = await askOutside(deps, kind === 'refactor' ? refactorQuestion(question) : question, { token, ...(limits ? { limits } : {}) });
      if (!asked) throw new Error(BUSY);
      const { exchange, ended } = asked;
      if (exchange.status === 'error') throw new Error(`RLM could not answer: ${exchange.detail ?? 'the run failed.'}`);
      if (exchange.status === 'cancelled' && !exchange.answer) throw new vscode.CancellationError();
      const answer = toolAnswer(asked);
      let text = answerText(answer);
      if (kind === 'refactor') {
        const sensitive = ended && sensitivePatterns(deps, ended.folder);
        const report = ended && (await proposalReport(titleOf(input.question), ended.result, sensitive!.patterns, sensitive!.source));
        text = refactorText(report, answer);
      }
      return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(text)]);
    },
  };
}

/** The caps the call would run under: the settings' for the first folder, lowered by the input. */
function capsFor(deps: ToolDeps, input: unknown): string {
  const settings = deps.setup.settings(vscode.workspace.workspaceFolders?.[0]?.uri);
  try {
    return capsText(lowerLimits(limitsFrom(settings), askedLimits(parseAskInput(input))).limits);
  } catch (err) {
    return `${capsText(limitsFrom(settings))} (the call's input will be refused: ${(err as Error).message})`;
  }
}

function toolAnswer(asked: OutsideAnswer): ToolAnswer {
  const { exchange, ended } = asked;
  const figures = [
    ...(ended ? [`${ended.result.iterations} turns`, `${ended.result.subCalls} sub-calls`] : []),
    `cost ${formatCost(exchange.costUsd ?? 0, exchange.unpricedCalls ?? 0)}`,
    `run ${exchange.id} (RLM: Show the Run in the Trajectory View)`,
  ].join(', ');
  return {
    answer: exchange.answer ?? '',
    ...(exchange.stopReason ? { stopReason: exchange.stopReason } : {}),
    ...(exchange.detail ? { detail: exchange.detail } : {}),
    files: [...asked.files.keys()],
    figures,
  };
}
