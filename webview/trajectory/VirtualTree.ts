// The tree as a virtual list: one spacer as tall as all rows, and only the rows in view (plus a few) in the
// DOM, so 10,000 nodes cost what 40 do. ARIA tree semantics with the selection as the active descendant;
// arrow keys move and open/close like VS Code's own trees.

import * as l10n from '@vscode/l10n';
import { html, nothing, render } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { styleMap } from 'lit/directives/style-map.js';
import { firstLine } from '../../src/core/shortText';
import type { TreeNode } from '../../src/core/trajectory/TrajectoryTree';
import { formatCost, formatDuration, formatSavings, formatStatus, formatTokens } from '../shared/format';
import type { Row, TreeRows } from './TreeRows';

export const ROW_HEIGHT = 22;
const OVERSCAN = 5;
const INDENT = 12;
/** A row's snippet of its code or prompt: the first line, cut to fit a row. */
const SNIPPET_CHARS = 121;

export interface TreeHandlers {
  select(node: TreeNode): void;
}

export class VirtualTree {
  readonly element: HTMLElement;
  private readonly spacer: HTMLElement;
  selectedId: string | undefined;
  /** Keep the newest rows in view while a live run grows, until the reader scrolls up. */
  follow = false;
  private drawScheduled = false;
  /** Where `draw` last scrolled to itself: the scroll event that follows is ours, not the reader's. */
  private ownScrollTop = -1;
  /** The scroll position as last set or seen, and the view's height: read from events, never in `draw`. */
  private scrollPos = 0;
  private viewHeight = 0;

  constructor(private readonly rows: TreeRows, private readonly on: TreeHandlers) {
    this.element = document.createElement('div');
    this.element.className = 'tree';
    this.element.setAttribute('role', 'tree');
    this.element.setAttribute('aria-label', l10n.t('Run trajectory'));
    this.element.tabIndex = 0;
    this.element.dataset.testid = 'tree';
    this.spacer = document.createElement('div');
    this.spacer.className = 'tree-spacer';
    this.element.append(this.spacer);
    this.element.addEventListener('scroll', this.onScroll, { passive: true });
    this.element.addEventListener('click', this.onClick);
    this.element.addEventListener('keydown', this.onKeydown);
    new ResizeObserver(([entry]) => {
      const height = entry!.contentRect.height;
      if (height === this.viewHeight) return;
      this.viewHeight = height;
      this.draw();
    }).observe(this.element);
  }

  /**
   * Draws the rows in view. Layout is read from cached values (the view's height from a ResizeObserver, the
   * scroll position from scroll events) and written once, so a frame lays out once: reading clientHeight or
   * scrollTop after the frame's DOM writes would force a second layout every frame of a live run.
   */
  draw(): void {
    const rows = this.rows.rows;
    const total = rows.length * ROW_HEIGHT;
    const view = this.viewHeight;
    const bottom = Math.max(0, total - view);
    const top = this.follow ? bottom : Math.min(this.scrollPos, bottom);
    const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(rows.length, Math.ceil((top + view) / ROW_HEIGHT) + OVERSCAN);
    const slice: Array<[Row, number]> = [];
    let selectedShown = false;
    for (let i = first; i < last; i++) {
      slice.push([rows[i]!, i]);
      if (rows[i]!.node.id === this.selectedId) selectedShown = true;
    }
    if (this.spacer.style.height !== `${total}px`) this.spacer.style.height = `${total}px`;
    // Positional: a row element shows whichever node is at its place (measured cheaper than keyed rows here).
    render(html`${slice.map(([row, i]) => this.rowView(row, i))}`, this.spacer);
    if (selectedShown) this.element.setAttribute('aria-activedescendant', `n-${this.selectedId}`);
    else this.element.removeAttribute('aria-activedescendant');
    if (top !== this.scrollPos) {
      // Last: the one layout this frame needs happens here, with every write above already in.
      this.element.scrollTop = top;
      this.ownScrollTop = top;
      this.scrollPos = top;
    }
  }

  /** Scrolls just enough to show row `index`. */
  reveal(index: number): void {
    const top = index * ROW_HEIGHT;
    if (top < this.scrollPos) this.scrollTo(top);
    else if (top + ROW_HEIGHT > this.scrollPos + this.viewHeight) this.scrollTo(top + ROW_HEIGHT - this.viewHeight);
  }

  private scrollTo(top: number): void {
    this.element.scrollTop = top;
    this.scrollPos = this.element.scrollTop;
  }

  private rowView(row: Row, index: number) {
    const { node, depth } = row;
    const hasChildren = node.children.length > 0;
    const selected = node.id === this.selectedId;
    const t = node.total;
    const tokens = t.inputTokens + t.outputTokens;
    const snippet = node.kind === 'turn' ? '' : firstLine(node.input, SNIPPET_CHARS);
    return html`<div
      role="treeitem"
      id=${`n-${node.id}`}
      class="row${selected ? ' selected' : ''}${row.match ? ' match' : ''}"
      style=${styleMap({ transform: `translateY(${index * ROW_HEIGHT}px)` })}
      aria-level=${depth + 1}
      aria-setsize=${this.rows.setSize(row)}
      aria-posinset=${row.position}
      aria-expanded=${hasChildren ? String(row.expanded) : nothing}
      aria-selected=${selected ? 'true' : 'false'}
      aria-label=${`${node.label}, ${formatStatus(node.status)}, ${formatCost(t.costUsd, t.unpriced)}, ${formatDuration(t.elapsedMs)}`}
      data-testid="tree-row"
      data-node-id=${node.id}
      data-kind=${node.kind}
      data-status=${node.status}
      title=${rowTitle(node)}
    >
      <span class="indent" style=${styleMap({ width: `${depth * INDENT}px` })}></span>
      <span class="twisty${hasChildren ? (row.expanded ? ' open' : ' closed') : ''}" data-action="toggle"></span>
      <span class="status status-${node.status}"></span>
      <span class="label">${node.label}${snippet ? html`<span class="snippet">${snippet}</span>` : nothing}</span>
      ${node.kind === 'edit' ? nothing : html`<span class="figures">
        ${t.errors ? html`<span class="errors" data-field="errors">${t.errors}✕</span>` : nothing}
        ${tokens ? html`<span data-field="tokens">${t.estimated ? '~' : ''}${formatTokens(tokens)}</span>` : nothing}
        <span data-field="cost">${formatCost(t.costUsd, t.unpriced)}</span>
        ${t.savedUsd > 0 ? html`<span class="saved" data-field="saved">${formatSavings(t.savedUsd)}</span>` : nothing}
        <span data-field="time">${formatDuration(t.elapsedMs)}</span>
      </span>`}
    </div>`;
  }

  private scheduleDraw(): void {
    if (this.drawScheduled) return;
    this.drawScheduled = true;
    requestAnimationFrame(() => {
      this.drawScheduled = false;
      this.draw();
    });
  }

  private onScroll = (): void => {
    const el = this.element;
    const top = el.scrollTop;
    if (Math.abs(top - this.ownScrollTop) < 1) return;
    this.ownScrollTop = -1;
    this.scrollPos = top;
    this.follow = top + this.viewHeight >= this.rows.rows.length * ROW_HEIGHT - ROW_HEIGHT;
    this.scheduleDraw();
  };

  private onClick = (event: MouseEvent): void => {
    const rowEl = (event.target as Element).closest<HTMLElement>('[data-node-id]');
    const node = rowEl ? this.rows.tree.get(rowEl.dataset.nodeId!) : undefined;
    if (!node) return;
    if ((event.target as Element).closest('[data-action="toggle"]')) this.toggle(node);
    this.on.select(node);
    this.element.focus({ preventScroll: true });
  };

  private toggle(node: TreeNode): void {
    this.rows.setExpanded(node, !this.rows.isExpanded(node));
    this.draw();
  }

  private onKeydown = (event: KeyboardEvent): void => {
    const rows = this.rows.rows;
    if (rows.length === 0) return;
    const at = this.selectedId !== undefined ? this.rows.indexOf(this.selectedId) : -1;
    const current = at >= 0 ? rows[at]!.node : undefined;
    const page = Math.max(1, Math.floor(this.viewHeight / ROW_HEIGHT) - 1);
    let next = at;
    switch (event.key) {
      case 'ArrowDown': next = Math.min(rows.length - 1, at + 1); break;
      case 'ArrowUp': next = Math.max(0, at - 1); break;
      case 'PageDown': next = Math.min(rows.length - 1, at + page); break;
      case 'PageUp': next = Math.max(0, at - page); break;
      case 'Home': next = 0; break;
      case 'End': next = rows.length - 1; break;
      case 'ArrowRight':
        if (!current || current.children.length === 0) return;
        if (!this.rows.isExpanded(current)) {
          this.toggle(current);
          event.preventDefault();
          return;
        }
        next = at + 1;
        break;
      case 'ArrowLeft': {
        if (!current) return;
        if (current.children.length > 0 && this.rows.isExpanded(current) && !this.rows.searching) {
          this.toggle(current);
          event.preventDefault();
          return;
        }
        const parent = this.rows.parentOf(current);
        next = parent ? this.rows.indexOf(parent.id) : at;
        break;
      }
      case 'Enter':
      case ' ':
        if (current) this.toggle(current);
        event.preventDefault();
        return;
      default:
        return;
    }
    event.preventDefault();
    if (next < 0) next = 0;
    const row = rows[next];
    if (!row) return;
    this.follow = false;
    this.reveal(next);
    this.on.select(row.node);
  };
}


/** A row's tooltip: the node's label, then its figures with all under it. */
function rowTitle(node: TreeNode): string {
  const t = node.total;
  const input = `${t.estimated ? '~' : ''}${formatTokens(t.inputTokens)}`;
  const tokens = t.cachedInputTokens
    ? l10n.t('{0} in ({1} cached) + {2} out tokens', input, formatTokens(t.cachedInputTokens), formatTokens(t.outputTokens))
    : l10n.t('{0} in + {1} out tokens', input, formatTokens(t.outputTokens));
  const parts = [
    formatStatus(node.status),
    tokens,
    t.savedUsd ? `${formatCost(t.costUsd, t.unpriced)} (${formatSavings(t.savedUsd)})` : formatCost(t.costUsd, t.unpriced),
    formatDuration(t.elapsedMs),
    ...(t.subCalls ? [t.subCalls === 1 ? l10n.t('1 sub-call') : l10n.t('{0} sub-calls', t.subCalls)] : []),
    ...(t.errors ? [t.errors === 1 ? l10n.t('1 error') : l10n.t('{0} errors', t.errors)] : []),
  ];
  return `${node.label}\n${parts.join(' · ')}`;
}
