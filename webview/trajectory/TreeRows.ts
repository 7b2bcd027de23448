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
}

export class TreeRows {
  tree = new TrajectoryTree();
  private readonly collapsed = new Set<string>();
  private query: RegExp | undefined;
  private readonly matchCache = new Map<string, boolean>();
  private readonly parents = new Map<string, TreeNode | undefined>();
  private list: Row[] = [];
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
    this.changed.clear();
    this.shapeChanged = true;
  }

  apply(event: RlmEvent): void {
    const changed = this.tree.apply(event);
    if (changed.length === 0) return;
    const node = changed[0]!;
    if (!this.parents.has(node.id)) {
      // A new node: its parent is the next changed node when the start named a parent that exists.
      const parent = node.parentId !== undefined ? this.tree.get(node.parentId) : undefined;
      this.parents.set(node.id, parent);
      this.shapeChanged = true;
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
        rows.push({ node, depth, expanded: true, match });
        let below = false;
        for (const child of node.children) below = visit(child, depth + 1) || below;
        if (!match && !below) rows.length = at;
        return match || below;
      };
      for (const root of this.tree.roots) visit(root, 0);
    } else {
      // Iterative: a deep chain of child runs must not overflow the stack.
      const stack: Array<[TreeNode, number]> = [];
      for (let i = this.tree.roots.length - 1; i >= 0; i--) stack.push([this.tree.roots[i]!, 0]);
      while (stack.length > 0) {
        const [node, depth] = stack.pop()!;
        const expanded = !this.collapsed.has(node.id);
        rows.push({ node, depth, expanded, match: false });
        if (!expanded) continue;
        for (let i = node.children.length - 1; i >= 0; i--) stack.push([node.children[i]!, depth + 1]);
      }
    }
    this.list = rows;
    this.indexById = undefined;
  }
}
