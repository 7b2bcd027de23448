// Runs a tags query over a tree and turns its matches into definitions with containers.
import type { Node, Query, Tree } from 'web-tree-sitter';
import { declaratorName } from './declaratorName';
import type { FileSymbol } from './types';

/** Names longer than this are not identifiers a person would look up (minified or generated code). */
const MAX_NAME_LENGTH = 200;

/** Kinds whose functions are methods (Python, PHP, C++ inline bodies, Rust impls tag them as functions). */
const TYPE_KINDS = new Set(['class', 'interface', 'struct', 'enum', 'union', 'impl', 'trait']);

interface Tagged {
  name: string;
  kind: string; // 'impl' for a scope-only range
  scopeOnly: boolean;
  start: number;
  end: number;
  line: number;
  endLine: number;
  nameStart: number;
  pattern: number;
  container?: string;
}

export function extractSymbols(tree: Tree, query: Query): FileSymbol[] {
  const byNameNode = new Map<number, Tagged>();
  for (const match of query.matches(tree.rootNode)) {
    let nameNode: Node | undefined;
    let declarator: Node | undefined;
    let defNode: Node | undefined;
    let kind = '';
    let scopeOnly = false;
    let container: string | undefined;
    for (const c of match.captures) {
      const cap = c.name;
      if (cap === 'name') nameNode ??= c.node;
      else if (cap === 'declarator') declarator = c.node;
      else if (cap.startsWith('definition.')) { defNode = c.node; kind = cap.slice('definition.'.length); }
      else if (cap === 'scope') { defNode = c.node; kind = 'impl'; scopeOnly = true; }
      else if (cap === 'container' || cap === 'local.scope') container = c.node.text;
    }
    if (!defNode) continue;
    if (match.setProperties?.['top-level'] !== undefined && !isTopLevel(defNode)) continue;
    let name: string;
    let nameStart: number;
    if (nameNode) {
      name = nameNode.text.trim();
      nameStart = nameNode.startIndex;
    } else if (declarator) { // C/C++: the name sits somewhere inside the declarator
      const declared = declaratorName(declarator);
      if (!declared) continue;
      ({ name, start: nameStart } = declared);
      if (declared.container !== undefined) {
        container ??= declared.container;
        if (kind === 'function') kind = 'method'; // `Foo::bar() {...}`
      }
    } else {
      continue;
    }
    if (name.length === 0 || name.length > MAX_NAME_LENGTH) continue;
    const tagged: Tagged = {
      name, kind, scopeOnly, container,
      start: defNode.startIndex, end: defNode.endIndex,
      line: defNode.startPosition.row + 1, endLine: lastLine(defNode),
      nameStart, pattern: match.patternIndex,
    };
    // The same name node tagged twice (stock + extra pattern, or a scope and a definition): the later
    // pattern is the more specific one. Scopes never replace definitions.
    const key = scopeOnly ? -1 - nameStart : nameStart;
    const prev = byNameNode.get(key);
    if (!prev || tagged.pattern > prev.pattern || (tagged.pattern === prev.pattern && tagged.end - tagged.start > prev.end - prev.start)) {
      byNameNode.set(key, tagged);
    }
  }
  return withContainers([...byNameNode.values()]);
}

/** Bodies that make a definition local (JS/TS function bodies and class bodies). */
const LOCAL_BODIES = new Set(['statement_block', 'class_body']);

function isTopLevel(node: Node): boolean {
  for (let n = node.parent; n; n = n.parent) if (LOCAL_BODIES.has(n.type)) return false;
  return true;
}

/** 1-based last line; a node ending right after a newline (`#define`) ends on the line before. */
function lastLine(node: Node): number {
  const end = node.endPosition;
  return end.column === 0 && end.row > node.startPosition.row ? end.row : end.row + 1;
}

/** Sets each definition's container to the innermost enclosing one (unless a pattern named it explicitly). */
function withContainers(tags: Tagged[]): FileSymbol[] {
  tags.sort((a, b) => a.start - b.start || b.end - a.end || Number(b.scopeOnly) - Number(a.scopeOnly));
  const open: Tagged[] = [];
  const out: FileSymbol[] = [];
  for (const t of tags) {
    while (open.length > 0 && open[open.length - 1].end <= t.start) open.pop();
    // Identical ranges (a scope and a definition on one node) nest too; a node never contains itself.
    let parent: Tagged | undefined = open[open.length - 1];
    if (parent && parent.end < t.end) parent = undefined;
    open.push(t);
    if (t.scopeOnly) continue;
    let kind = t.kind;
    if (kind === 'function' && parent && TYPE_KINDS.has(parent.kind)) kind = 'method';
    const sym: FileSymbol = { name: t.name, kind, line: t.line, endLine: t.endLine };
    const container = t.container ?? parent?.name;
    if (container !== undefined && container !== '') sym.container = container;
    out.push(sym);
  }
  return out;
}
