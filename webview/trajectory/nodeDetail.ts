// Everything about the selected node: its figures (own and rolled up), model, timing, retries, the sub-call's
// function, batch and slot, and its texts in full (question, code or prompt; answer, output or response;
// error), each with a copy button. Texts are model output: shown as text, never as HTML. A long text shows its
// first DETAIL_SHOWN_CHARS and opens whole in an editor: laying out megabytes of text would hold the page.

import { html, nothing, type TemplateResult } from 'lit';
import type { TreeNode } from '../../src/core/trajectory/TrajectoryTree';
import type { OpenedLanguage } from '../../src/protocol/messages';
import type { Figures } from '../../src/core/trajectory/TreeNode';
import { formatCost, formatDuration, formatStopReason } from '../shared/format';
import { linkedText } from '../shared/linkedText';
import { shownPartView } from '../shared/shownPart';

export interface DetailHandlers {
  copy(text: string): void;
  /** Opens the whole text in an untitled editor. */
  open(text: string, language: OpenedLanguage): void;
}

/** A node's text is shown up to this many characters (as much as a cell's output the model is shown). */
export const DETAIL_SHOWN_CHARS = 20_000;

const INPUT_NAME = { run: 'Question', turn: '', cell: 'Code', subcall: 'Prompt', edit: 'Description' } as const;
const OUTPUT_NAME = { run: 'Answer', turn: 'Model text', cell: 'Output', subcall: 'Response', edit: 'Diff' } as const;

export function nodeDetailView(node: TreeNode | undefined, on: DetailHandlers) {
  if (!node) return html`<div class="detail empty hint" data-testid="node-detail-empty">Select a node to see its detail.</div>`;
  const facts: Array<[string, string | number | TemplateResult | undefined]> = [
    ['Status', html`<span class="status status-${node.status}"></span> ${node.status}`],
    ['Model', node.model],
    ['Started', new Date(node.startTime).toLocaleTimeString()],
    ['Time', formatDuration(node.own.elapsedMs)],
    ...kindFacts(node),
  ];
  return html`<section class="detail" data-testid="node-detail" data-node-id=${node.id} aria-label=${`Detail of ${node.label}`}>
    <h2 class="detail-title">${node.label}</h2>
    <dl class="facts">
      ${facts.filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => html`<dt>${k}</dt><dd data-field=${k.toLowerCase().replace(/[^a-z]+/g, '-')}>${v}</dd>`)}
    </dl>
    ${figuresTable(node.own, node.total)}
    ${node.error ? html`<h3>Error</h3><pre class="problem" data-testid="detail-error">${linkedText(node.error)}</pre>` : nothing}
    ${textSection(INPUT_NAME[node.kind], node.input, 'input', node.kind === 'cell' ? 'javascript' : 'plaintext', on)}
    ${textSection(OUTPUT_NAME[node.kind], node.output, 'output', node.kind === 'run' ? 'markdown' : node.kind === 'edit' ? 'diff' : 'plaintext', on)}
  </section>`;
}

function kindFacts(node: TreeNode): Array<[string, string | number | undefined]> {
  switch (node.kind) {
    case 'run':
      return [
        ['Depth', node.depth],
        ['Root model', node.rootModel],
        ['Sub-model', node.subModel],
        ['Stopped', node.stopReason ? `${formatStopReason(node.stopReason)}${node.detail ? `: ${node.detail}` : ''}` : undefined],
        ['Turns', node.iterations],
        ['Context', node.context ? `${node.context.type}, ${node.context.size.toLocaleString()} ${node.context.type === 'text' ? 'characters' : 'bytes'}${node.context.files ? `, ${node.context.files} files` : ''}` : undefined],
      ];
    case 'turn':
      return [['Iteration', `${node.iteration}${node.last ? ' (best answer)' : ''}`], ['Latency', ms(node.latencyMs)], ['Retries', node.retries || undefined]];
    case 'cell':
      return [['Block', node.index + 1], ['Timed out', node.timedOut ? 'yes' : undefined]];
    case 'subcall':
      return [
        ['Function', node.fn],
        ['Batch', node.batchId],
        ['Slot', node.slot],
        ['Queued', node.sentTime !== undefined ? formatDuration(Math.max(0, node.sentTime - node.startTime)) : undefined],
        ['Latency', ms(node.latencyMs)],
        ['Retries', node.retries || undefined],
        ['Prompt size', `${node.promptChars.toLocaleString()} characters`],
      ];
    case 'edit':
      return [['File', node.path], ['Change', node.from ? `${node.change} from ${node.from}` : node.change], ['Lines', `+${node.added} −${node.removed}`]];
  }
}

const ms = (value: number | undefined) => (value === undefined ? undefined : formatDuration(value));

function figuresTable(own: Figures, total: Figures) {
  const tokens = (f: Figures, n: number) => `${f.estimated ? '~' : ''}${n.toLocaleString()}`;
  const rows: Array<[string, string, (f: Figures) => string]> = [
    ['Input tokens', 'input-tokens', (f) => tokens(f, f.inputTokens)],
    ['Output tokens', 'output-tokens', (f) => tokens(f, f.outputTokens)],
    ['Cost', 'cost', (f) => formatCost(f.costUsd, f.unpriced)],
    ['Time', 'time', (f) => formatDuration(f.elapsedMs)],
    ['Sub-calls', 'subcalls', (f) => String(f.subCalls)],
    ['Errors', 'errors', (f) => String(f.errors)],
  ];
  return html`<table class="figures-table" data-testid="detail-figures">
    <thead><tr><th></th><th scope="col">This node</th><th scope="col">With all under it</th></tr></thead>
    <tbody>${rows.map(([name, field, value]) => html`<tr>
      <th scope="row">${name}</th>
      <td data-field=${`own-${field}`}>${value(own)}</td>
      <td data-field=${`total-${field}`}>${value(total)}</td>
    </tr>`)}</tbody>
  </table>`;
}

function textSection(name: string, text: string | undefined, which: 'input' | 'output', language: OpenedLanguage, on: DetailHandlers) {
  if (!name || !text) return nothing;
  const shown = text.length > DETAIL_SHOWN_CHARS ? text.slice(0, DETAIL_SHOWN_CHARS) : text;
  return html`<div class="text-section">
    <div class="text-head">
      <h3>${name}</h3>
      <vscode-button secondary data-testid=${`copy-${which}`} @click=${() => on.copy(text)}>Copy ${name.toLowerCase()}</vscode-button>
    </div>
    ${shown !== text ? shownPartView(shown.length, text.length, `Open Whole ${name}`, `cut-${which}`, () => on.open(text, language)) : nothing}
    <pre data-testid=${`detail-${which}`}>${linkedText(shown)}</pre>
  </div>`;
}
