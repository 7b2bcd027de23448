// Everything about the selected node: its figures (own and rolled up), model, timing, retries, the sub-call's
// function, batch and slot, and its texts in full (question, code or prompt; answer, output or response;
// error), each with a copy button. Texts are model output: shown as text, never as HTML. A long text shows its
// first DETAIL_SHOWN_CHARS and opens whole in an editor: laying out megabytes of text would hold the page.

import * as l10n from '@vscode/l10n';
import { html, nothing, type TemplateResult } from 'lit';
import type { TreeNode } from '../../src/core/trajectory/TrajectoryTree';
import type { OpenedLanguage } from '../../src/protocol/messages';
import type { Figures } from '../../src/core/trajectory/TreeNode';
import type { ContextMeta } from '../../src/core/trajectory/events';
import { formatChange, formatCost, formatDuration, formatStatus, formatStopReason, formatUsd } from '../shared/format';
import { linkedText } from '../shared/linkedText';
import { shownPartView } from '../shared/shownPart';

export interface DetailHandlers {
  copy(text: string): void;
  /** Opens the whole text in an untitled editor. */
  open(text: string, language: OpenedLanguage): void;
}

/** A node's text is shown up to this many characters (as much as a cell's output the model is shown). */
export const DETAIL_SHOWN_CHARS = 20_000;

/** A text section's heading and its buttons' labels. */
interface TextNames {
  heading: string;
  copy: string;
  openWhole: string;
}

/** What a node's input is called (a turn's and a compaction's are not shown). */
function inputNames(kind: TreeNode['kind']): TextNames | undefined {
  switch (kind) {
    case 'run': return { heading: l10n.t('Question'), copy: l10n.t('Copy question'), openWhole: l10n.t('Open Whole Question') };
    case 'cell': return { heading: l10n.t('Code'), copy: l10n.t('Copy code'), openWhole: l10n.t('Open Whole Code') };
    case 'subcall': return { heading: l10n.t('Prompt'), copy: l10n.t('Copy prompt'), openWhole: l10n.t('Open Whole Prompt') };
    case 'edit': return { heading: l10n.t('Description'), copy: l10n.t('Copy description'), openWhole: l10n.t('Open Whole Description') };
    default: return undefined;
  }
}

/** What a node's output is called. */
function outputNames(kind: TreeNode['kind']): TextNames {
  switch (kind) {
    case 'run': return { heading: l10n.t('Answer'), copy: l10n.t('Copy answer'), openWhole: l10n.t('Open Whole Answer') };
    case 'turn': return { heading: l10n.t('Model text'), copy: l10n.t('Copy model text'), openWhole: l10n.t('Open Whole Model Text') };
    case 'cell': return { heading: l10n.t('Output'), copy: l10n.t('Copy output'), openWhole: l10n.t('Open Whole Output') };
    case 'subcall': return { heading: l10n.t('Response'), copy: l10n.t('Copy response'), openWhole: l10n.t('Open Whole Response') };
    case 'edit': return { heading: l10n.t('Diff'), copy: l10n.t('Copy diff'), openWhole: l10n.t('Open Whole Diff') };
    case 'compaction': return { heading: l10n.t('Summary'), copy: l10n.t('Copy summary'), openWhole: l10n.t('Open Whole Summary') };
  }
}

/** One line of the facts: its data-field (for tests and styles), its name as shown, its value (left out when empty). */
type Fact = [field: string, name: string, value: string | number | TemplateResult | undefined];

export function nodeDetailView(node: TreeNode | undefined, on: DetailHandlers) {
  if (!node) return html`<div class="detail empty hint" data-testid="node-detail-empty">${l10n.t('Select a node to see its detail.')}</div>`;
  const facts: Fact[] = [
    ['status', l10n.t('Status'), html`<span class="status status-${node.status}"></span> ${formatStatus(node.status)}`],
    ['model', l10n.t('Model'), node.model],
    ['started', l10n.t('Started'), new Date(node.startTime).toLocaleTimeString()],
    ['time', l10n.t('Time'), formatDuration(node.own.elapsedMs)],
    ...kindFacts(node),
  ];
  return html`<section class="detail" data-testid="node-detail" data-node-id=${node.id} aria-label=${l10n.t('Detail of {0}', node.label)}>
    <h2 class="detail-title">${node.label}</h2>
    <dl class="facts">
      ${facts.filter(([, , v]) => v !== undefined && v !== '').map(([field, name, v]) => html`<dt>${name}</dt><dd data-field=${field}>${v}</dd>`)}
    </dl>
    ${figuresTable(node.own, node.total)}
    ${node.error ? html`<h3>${l10n.t('Error')}</h3><pre class="problem" data-testid="detail-error">${linkedText(node.error)}</pre>` : nothing}
    ${textSection(inputNames(node.kind), node.input, 'input', node.kind === 'cell' ? 'javascript' : 'plaintext', on)}
    ${textSection(outputNames(node.kind), node.output, 'output', node.kind === 'run' ? 'markdown' : node.kind === 'edit' ? 'diff' : 'plaintext', on)}
  </section>`;
}

function kindFacts(node: TreeNode): Fact[] {
  switch (node.kind) {
    case 'run':
      return [
        ['depth', l10n.t('Depth'), node.depth],
        ['root-model', l10n.t('Root model'), node.rootModel],
        ['sub-model', l10n.t('Sub-model'), node.subModel],
        ['stopped', l10n.t('Stopped'), node.stopReason ? (node.detail ? l10n.t('{0}: {1}', formatStopReason(node.stopReason), node.detail) : formatStopReason(node.stopReason)) : undefined],
        ['turns', l10n.t('Turns'), node.iterations],
        ['context', l10n.t('Context'), node.context ? contextText(node.context) : undefined],
      ];
    case 'turn':
      return [
        ['iteration', l10n.t('Iteration'), node.last ? l10n.t('{0} (best answer)', node.iteration) : node.iteration],
        ['latency', l10n.t('Latency'), ms(node.latencyMs)],
        ['retries', l10n.t('Retries'), node.retries || undefined],
      ];
    case 'cell':
      return [['block', l10n.t('Block'), node.index + 1], ['timed-out', l10n.t('Timed out'), node.timedOut ? l10n.t('yes') : undefined]];
    case 'subcall':
      return [
        ['function', l10n.t('Function'), node.fn],
        ['batch', l10n.t('Batch'), node.batchId],
        ['slot', l10n.t('Slot'), node.slot],
        ['queued', l10n.t('Queued'), node.sentTime !== undefined ? formatDuration(Math.max(0, node.sentTime - node.startTime)) : undefined],
        ['latency', l10n.t('Latency'), ms(node.latencyMs)],
        ['retries', l10n.t('Retries'), node.retries || undefined],
        ['prompt-size', l10n.t('Prompt size'), l10n.t('{0} characters', node.promptChars.toLocaleString())],
      ];
    case 'edit':
      return [
        ['file', l10n.t('File'), node.path],
        ['change', l10n.t('Change'), node.from ? l10n.t('{0} from {1}', formatChange(node.change), node.from) : formatChange(node.change)],
        ['lines', l10n.t('Lines'), `+${node.added} −${node.removed}`],
      ];
    case 'compaction':
      return [
        ['why', l10n.t('Why'), node.reason === 'refused' ? l10n.t('the provider refused the prompt as too long') : l10n.t('the next request would fill more than 85% of the window')],
        ['window', l10n.t('Window'), l10n.t('{0} tokens', node.window.toLocaleString())],
        ['history', l10n.t('History'), node.tokensAfter !== undefined
          ? l10n.t('{0} tokens → {1} (estimated)', node.tokensBefore.toLocaleString(), node.tokensAfter.toLocaleString())
          : l10n.t('{0} tokens (estimated)', node.tokensBefore.toLocaleString())],
        ['turns-replaced', l10n.t('Turns replaced'), node.turns],
        ['latency', l10n.t('Latency'), ms(node.latencyMs)],
      ];
  }
}

/** A run's context: a text's characters, or a workspace's bytes and files. */
function contextText(context: ContextMeta): string {
  const size = context.size.toLocaleString();
  if (context.type === 'text') return l10n.t('text, {0} characters', size);
  return context.files ? l10n.t('workspace, {0} bytes, {1} files', size, context.files) : l10n.t('workspace, {0} bytes', size);
}

const ms = (value: number | undefined) => (value === undefined ? undefined : formatDuration(value));

function figuresTable(own: Figures, total: Figures) {
  const tokens = (f: Figures, n: number) => `${f.estimated ? '~' : ''}${n.toLocaleString()}`;
  const rows: Array<[string, string, (f: Figures) => string]> = [
    [l10n.t('Input tokens'), 'input-tokens', (f) => tokens(f, f.inputTokens)],
    [l10n.t('Cached input tokens'), 'cached-tokens', (f) => f.cachedInputTokens.toLocaleString()],
    [l10n.t('Output tokens'), 'output-tokens', (f) => tokens(f, f.outputTokens)],
    [l10n.t('Cost (billed)'), 'cost', (f) => formatCost(f.costUsd, f.unpriced)],
    [l10n.t('Saved by caching'), 'saved', (f) => formatUsd(f.savedUsd)],
    [l10n.t('Time'), 'time', (f) => formatDuration(f.elapsedMs)],
    [l10n.t('Sub-calls'), 'subcalls', (f) => String(f.subCalls)],
    [l10n.t('Errors'), 'errors', (f) => String(f.errors)],
  ];
  return html`<table class="figures-table" data-testid="detail-figures">
    <thead><tr><th></th><th scope="col">${l10n.t('This node')}</th><th scope="col">${l10n.t('With all under it')}</th></tr></thead>
    <tbody>${rows.map(([name, field, value]) => html`<tr>
      <th scope="row">${name}</th>
      <td data-field=${`own-${field}`}>${value(own)}</td>
      <td data-field=${`total-${field}`}>${value(total)}</td>
    </tr>`)}</tbody>
  </table>`;
}

function textSection(names: TextNames | undefined, text: string | undefined, which: 'input' | 'output', language: OpenedLanguage, on: DetailHandlers) {
  if (!names || !text) return nothing;
  const shown = text.length > DETAIL_SHOWN_CHARS ? text.slice(0, DETAIL_SHOWN_CHARS) : text;
  return html`<div class="text-section">
    <div class="text-head">
      <h3>${names.heading}</h3>
      <vscode-button secondary data-testid=${`copy-${which}`} @click=${() => on.copy(text)}>${names.copy}</vscode-button>
    </div>
    ${shown !== text ? shownPartView(shown.length, text.length, names.openWhole, `cut-${which}`, () => on.open(text, language)) : nothing}
    <pre data-testid=${`detail-${which}`}>${linkedText(shown)}</pre>
  </div>`;
}
