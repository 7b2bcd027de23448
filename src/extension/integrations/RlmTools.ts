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
import { busyMessage } from './RlmParticipant';

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
      const what = kind === 'ask' ? vscode.l10n.t('answer a question about the workspace') : vscode.l10n.t('propose a change to the workspace (nothing is written)');
      return {
        invocationMessage: kind === 'ask' ? vscode.l10n.t('Asking RLM about the workspace…') : vscode.l10n.t('RLM is proposing a change…'),
        confirmationMessages: {
          title: kind === 'ask' ? vscode.l10n.t('Ask RLM about the codebase?') : vscode.l10n.t('Let RLM propose a refactor?'),
          message: new vscode.MarkdownString(vscode.l10n.t('RLM will {0} with the models set for it, sending the code it reads to their provider: {1}.', what, caps)),
        },
      };
    },
    invoke: async (options, token) => {
      const input = parseAskInput(options.input);
      const question = questionWithPaths(input);
      const limits = askedLimits(input);
      deps.log.info(`The ${kind === 'ask' ? LM_TOOLS.askCodebase : LM_TOOLS.proposeRefactor} tool was called`);
      const asked = await askOutside(deps, kind === 'refactor' ? refactorQuestion(question) : question, { token, ...(limits ? { limits } : {}) });
      if (!asked) throw new Error(busyMessage());
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
    return vscode.l10n.t("{0} (the call's input will be refused: {1})", capsText(limitsFrom(settings)), (err as Error).message);
  }
}

function toolAnswer(asked: OutsideAnswer): ToolAnswer {
  const { exchange, ended } = asked;
  const figures = [
    ...(ended ? [vscode.l10n.t('{0} turns', ended.result.iterations), vscode.l10n.t('{0} sub-calls', ended.result.subCalls)] : []),
    vscode.l10n.t('cost {0}', formatCost(exchange.costUsd ?? 0, exchange.unpricedCalls ?? 0)),
    vscode.l10n.t('run {0} (RLM: Show the Run in the Trajectory View)', exchange.id),
  ].join(', ');
  return {
    answer: exchange.answer ?? '',
    ...(exchange.stopReason ? { stopReason: exchange.stopReason } : {}),
    ...(exchange.detail ? { detail: exchange.detail } : {}),
    files: [...asked.files.keys()],
    figures,
  };
}
