// The trajectory tree (the Trajectory view and the trace editor): events from the host are folded with the
// engine's TrajectoryTree once per animation frame (FrameQueue, a few ms per frame at most), the rows are a
// virtual list (VirtualTree), and the selected node's detail sits beside or below the tree.

// First: the page's strings are in place before anything is worded.
import * as l10n from '@vscode/l10n';
import '../shared/l10n';
import '../shared/base.css';
import './trajectory.css';
import '../shared/elements';
import { html, nothing, render } from 'lit';
import type { RlmEvent } from '../../src/core/trajectory/events';
import type { TreeNode } from '../../src/core/trajectory/TrajectoryTree';
import type { HostToTree, TreeToHost } from '../../src/protocol/messages';
import { connectHost } from '../host';
import { FrameQueue } from '../shared/frameQueue';
import { onPathLinkClick } from '../shared/pathLinks';
import { formatCost, formatDuration, formatSavings } from '../shared/format';
import { nodeDetailView } from './nodeDetail';
import { sourceView } from './sourceInfo';
import { TreeRows } from './TreeRows';
import { VirtualTree } from './VirtualTree';

interface SavedView {
  selectedId?: string;
  query: string;
}

/** Wider than this, the detail goes beside the tree (an editor tab); narrower, below it (the side bar). */
const SIDE_BY_SIDE_PX = 640;
const SEARCH_DEBOUNCE_MS = 120;

const host = connectHost<HostToTree, TreeToHost>();
const app = document.getElementById('app')!;
const rows = new TreeRows();
const saved = readSaved(host.savedState());
let query = saved.query;
let header: HostToTree['tree/reset'] | undefined;
let selected: TreeNode | undefined;
let pendingSelection = saved.selectedId;
let sideBySide = window.innerWidth > SIDE_BY_SIDE_PX;
let searchTimer: number | undefined;

const tree = new VirtualTree(rows, {
  select: (node) => {
    selected = node;
    pendingSelection = undefined;
    tree.selectedId = node.id;
    save();
    draw();
  },
});
/** A live run is drawn at most 30 times a second (see FrameQueue); scrolling, clicks and keys draw at once. */
const LIVE_DRAW_MS = 33;
const APPLY_BUDGET_MS = 8;
const queue = new FrameQueue<RlmEvent>((event) => rows.apply(event), () => draw(), APPLY_BUDGET_MS, LIVE_DRAW_MS);
const detailEl = document.createElement('div');
detailEl.className = 'detail-pane';

function draw(): void {
  const root = rows.tree.roots[0];
  if (pendingSelection !== undefined) {
    const node = rows.tree.get(pendingSelection);
    if (node) {
      selected = node;
      tree.selectedId = node.id;
      pendingSelection = undefined;
    }
  }
  render(html`
    <header class="tree-header">
      <div class="title-line">
        <span class="tree-title" data-testid="tree-title" title=${header?.title ?? ''}>${header?.title ?? l10n.t('No run yet')}</span>
        ${header?.live && root?.endTime === undefined ? html`<vscode-badge data-testid="live">${l10n.t('live')}</vscode-badge>` : nothing}
        <span class="hint" data-testid="tree-count">${rows.tree.size === 1 ? l10n.t('1 node') : l10n.t('{0} nodes', rows.tree.size.toLocaleString())}</span>
        ${root ? html`<span class="hint" data-testid="tree-total">${formatCost(root.total.costUsd, root.total.unpriced)}${root.total.savedUsd > 0 ? ` (${formatSavings(root.total.savedUsd)})` : ''} · ${formatDuration(root.total.elapsedMs)}</span>` : nothing}
      </div>
      <vscode-textfield
        data-testid="tree-search"
        class="search"
        type="search"
        placeholder=${l10n.t('Search the tree (labels, code, prompts, output)')}
        label=${l10n.t('Search the tree')}
        .value=${query}
        @input=${onSearchInput}
      ></vscode-textfield>
      ${rows.searching ? html`<span class="hint" data-testid="search-count" aria-live="polite">${l10n.t('{0} matching', rows.matchCount)}</span>` : nothing}
      ${sourceView(header?.source, rows.tree.anomalies)}
      ${header?.error ? html`<div class="problem" role="alert" data-testid="tree-error">${header.error}</div>` : nothing}
    </header>
    <vscode-split-layout class="panes" split=${sideBySide ? 'vertical' : 'horizontal'} initial-handle-position="60%">
      <div slot="start" class="tree-pane">${tree.element}</div>
      <div slot="end" class="detail-host">${detailEl}</div>
    </vscode-split-layout>
  `, app);
  tree.draw();
  // The detail is redrawn when its node changed (streamed text, figures), not on every frame of a big run.
  if (!selected || rows.changed.has(selected.id) || detailEl.dataset.nodeId !== selected.id) {
    render(nodeDetailView(selected, {
      copy: (text) => host.post({ type: 'clipboard/copy', text }),
      open: (text, language) => host.post({ type: 'text/open', text, language }),
    }), detailEl);
    detailEl.dataset.nodeId = selected?.id ?? '';
  }
  rows.changed.clear();
}

function onSearchInput(event: Event): void {
  query = (event.currentTarget as HTMLInputElement).value;
  window.clearTimeout(searchTimer);
  searchTimer = window.setTimeout(() => {
    rows.search(query);
    tree.follow = false;
    save();
    draw();
    const at = selected ? rows.indexOf(selected.id) : -1;
    if (at >= 0) tree.reveal(at);
  }, SEARCH_DEBOUNCE_MS);
}

function save(): void {
  host.saveState({ selectedId: selected?.id ?? pendingSelection, query } satisfies SavedView);
}

function readSaved(value: unknown): SavedView {
  const v = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  return { selectedId: typeof v.selectedId === 'string' ? v.selectedId : undefined, query: typeof v.query === 'string' ? v.query : '' };
}

host.onMessage((message) => {
  if (message.type === 'tree/reset') {
    header = message;
    queue.clear();
    rows.reset();
    if (query) rows.search(query);
    if (selected && pendingSelection === undefined) pendingSelection = selected.id;
    selected = undefined;
    tree.selectedId = undefined;
    tree.follow = message.live;
    tree.reveal(0);
    queue.push(message.events);
  } else if (message.type === 'tree/events') {
    queue.push(message.events);
  }
});
new ResizeObserver(() => {
  const wide = window.innerWidth > SIDE_BY_SIDE_PX;
  if (wide === sideBySide) return;
  sideBySide = wide;
  draw();
}).observe(document.body);

onPathLinkClick(detailEl, (ref) => host.post({ type: 'link/open', path: ref.path, line: ref.line, ...(ref.endLine !== undefined ? { endLine: ref.endLine } : {}) }));
if (query) rows.search(query);
draw();
host.post({ type: 'ready' });
