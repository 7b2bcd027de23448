// The rows the tree view shows: the TrajectoryTree flattened in display order, minus collapsed subtrees, or,
// while searching, the nodes that match and their ancestors. Rebuilt only when the shape changed (a node
// started, a branch opened or closed, the search changed); streamed text and figures change rows in place.

import type { RlmEvent } from '../../src/core/trajectory/events';
import { TrajectoryTree, type TreeNode } from '../../src/core/trajectory/TrajectoryTree';

export interface Row {
  node: TreeNode;
  /** 0 for a root. */
  depth: number;
  expanded: boolean;
  /** The node itself matches the search (its ancestors are shown for context). */
  match: boolean;
  /** 1-based place among its siblings that are shown (aria-posinset: a virtual list has no DOM siblings to count). */
  position: number;
  /** While searching, how many of its siblings are shown; otherwise every child of its parent is (see setSize). */
  shownSiblings: number | undefined;
}

export class TreeRows {
  tree = new TrajectoryTree();
  private readonly collapsed = new Set<string>();
  private query: RegExp | undefined;
  private readonly matchCache = new Map<string, boolean>();
  private readonly parents = new Map<string, TreeNode | undefined>();
  private list: Row[] = [];
  /** One Row per node, reused by every rebuild: a live run rebuilds each frame, so no garbage per node. */
  private readonly rowOf = new Map<string, Row>();
  /** Built on demand: only keyboard moves and selection need it, not every streamed frame. */
  private indexById: Map<string, number> | undefined;
  private shapeChanged = true;
  /** Nodes changed since the last `rows` read (the detail view redraws when its node is among them). */
  readonly changed = new Set<string>();
  private matchesFound = 0;

  reset(): void {
    this.tree = new TrajectoryTree();
    this.collapsed.clear();
    this.matchCache.clear();
    this.parents.clear();
    this.rowOf.clear();
    this.changed.clear();
    this.shapeChanged = true;
  }

  apply(event: RlmEvent): void {
    const changed = this.tree.apply(event);
    if (changed.length === 0) return;
    const node = changed[0]!;
    if (!this.parents.has(node.id)) {
      const parent = node.parentId !== undefined ? this.tree.get(node.parentId) : undefined;
      this.parents.set(node.id, parent);
      if (!this.appendRow(node, parent)) this.shapeChanged = true;
    }
    for (const n of changed) {
      this.changed.add(n.id);
      if (this.query && this.matchCache.has(n.id)) {
        const before = this.matchCache.get(n.id);
        this.matchCache.delete(n.id);
        if (this.matches(n) !== before) this.shapeChanged = true;
      }
    }
  }

  /**
   * A live run grows at its end: a new node whose parent holds the last row comes last in display order, so
   * its row is appended instead of the whole list being rebuilt (which costs a walk of every node per frame).
   */
  private appendRow(node: TreeNode, parent: TreeNode | undefined): boolean {
    if (this.shapeChanged || this.query) return false;
    const lastRow = this.list[this.list.length - 1];
    let depth = 0;
    if (parent) {
      if (!lastRow || this.collapsed.has(parent.id)) return false;
      let holder: TreeNode | undefined = lastRow.node;
      while (holder && holder !== parent) holder = this.parents.get(holder.id);
      if (!holder) return false;
      depth = this.rowOf.get(parent.id)!.depth + 1;
    } else if (this.tree.roots[this.tree.roots.length - 1] !== node) {
      return false;
    }
    const row = this.row(node, depth, true, false);
    row.position = (parent ? parent.children : this.tree.roots).length;
    this.list.push(row);
    this.indexById?.set(node.id, this.list.length - 1);
    return true;
  }

  /**
   * How many siblings the row's set has (aria-setsize). Read when drawn rather than kept: a live run appends
   * siblings one by one, and updating every earlier sibling's row on each would cost a walk of them per event.
   */
  setSize(row: Row): number {
    if (row.shownSiblings !== undefined) return row.shownSiblings;
    const parent = this.parents.get(row.node.id);
    return (parent ? parent.children : this.tree.roots).length;
  }

  get rows(): readonly Row[] {
    if (this.shapeChanged) this.rebuild();
    return this.list;
  }

  indexOf(id: string): number {
    if (this.shapeChanged) this.rebuild();
    this.indexById ??= new Map(this.list.map((row, i) => [row.node.id, i]));
    return this.indexById.get(id) ?? -1;
  }

  parentOf(node: TreeNode): TreeNode | undefined {
    return this.parents.get(node.id);
  }

  isExpanded(node: TreeNode): boolean {
    return this.query !== undefined || !this.collapsed.has(node.id);
  }

  setExpanded(node: TreeNode, expanded: boolean): void {
    if (node.children.length === 0 || this.query) return;
    if (expanded === !this.collapsed.has(node.id)) return;
    if (expanded) this.collapsed.delete(node.id);
    else this.collapsed.add(node.id);
    this.shapeChanged = true;
  }

  get searching(): boolean {
    return this.query !== undefined;
  }

  /** Matching nodes of the current search. */
  get matchCount(): number {
    if (this.shapeChanged) this.rebuild();
    return this.matchesFound;
  }

  search(text: string): void {
    const trimmed = text.trim();
    this.query = trimmed ? new RegExp(trimmed.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i') : undefined;
    this.matchCache.clear();
    this.shapeChanged = true;
  }

  private matches(node: TreeNode): boolean {
    let hit = this.matchCache.get(node.id);
    if (hit === undefined) {
      const q = this.query!;
      hit = q.test(node.label) || q.test(node.input ?? '') || q.test(node.output ?? '') || q.test(node.error ?? '') || q.test(node.model ?? '');
      this.matchCache.set(node.id, hit);
    }
    return hit;
  }

  private rebuild(): void {
    this.shapeChanged = false;
    const rows: Row[] = [];
    this.matchesFound = 0;
    if (this.query) {
      const visit = (node: TreeNode, depth: number): boolean => {
        const at = rows.length;
        const match = this.matches(node);
        if (match) this.matchesFound++;
        rows.push(this.row(node, depth, true, match));
        let below = false;
        for (const child of node.children) below = visit(child, depth + 1) || below;
        if (!match && !below) rows.length = at;
        return match || below;
      };
      for (const root of this.tree.roots) visit(root, 0);
    } else {
      // Iterative: a deep chain of child runs must not overflow the stack.
      const nodes: TreeNode[] = [];
      const depths: number[] = [];
      for (let i = this.tree.roots.length - 1; i >= 0; i--) {
        nodes.push(this.tree.roots[i]!);
        depths.push(0);
      }
      while (nodes.length > 0) {
        const node = nodes.pop()!;
        const depth = depths.pop()!;
        const expanded = !this.collapsed.has(node.id);
        rows.push(this.row(node, depth, expanded, false));
        if (!expanded) continue;
        for (let i = node.children.length - 1; i >= 0; i--) {
          nodes.push(node.children[i]!);
          depths.push(depth + 1);
        }
      }
    }
    this.numberSiblings(rows);
    this.list = rows;
    this.indexById = undefined;
  }

  /** Each row's place among the siblings shown, in display order; while searching, how many of them are shown. */
  private numberSiblings(rows: Row[]): void {
    const counts = new Map<TreeNode | undefined, number>();
    for (const row of rows) {
      const parent = this.parents.get(row.node.id);
      const position = (counts.get(parent) ?? 0) + 1;
      counts.set(parent, position);
      row.position = position;
    }
    for (const row of rows) row.shownSiblings = this.query ? counts.get(this.parents.get(row.node.id)) : undefined;
  }

  private row(node: TreeNode, depth: number, expanded: boolean, match: boolean): Row {
    let row = this.rowOf.get(node.id);
    if (!row) this.rowOf.set(node.id, (row = { node, depth, expanded, match, position: 1, shownSiblings: undefined }));
    row.depth = depth;
    row.expanded = expanded;
    row.match = match;
    return row;
  }
}
