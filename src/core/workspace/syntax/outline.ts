// A file's definitions as an indented outline, nesting by line ranges, e.g.
//   class TtlCache  14-28
//     method get  19-23
import type { FileSymbol } from './types';

export function formatOutline(path: string, symbols: readonly FileSymbol[]): string {
  if (symbols.length === 0) return `${path}: no definitions found`;
  const sorted = [...symbols].sort((a, b) => a.line - b.line || b.endLine - a.endLine);
  const open: FileSymbol[] = [];
  const lines = [`${path} (${symbols.length} definitions)`];
  for (const s of sorted) {
    while (open.length > 0 && !contains(open[open.length - 1], s)) open.pop();
    const parent = open[open.length - 1];
    // Containers the ranges do not show (a Go method declared outside its struct) are named inline.
    const owner = s.container !== undefined && s.container !== parent?.name ? ` (${s.container})` : '';
    const range = s.endLine > s.line ? `${s.line}-${s.endLine}` : `${s.line}`;
    lines.push(`${'  '.repeat(open.length + 1)}${s.kind} ${s.name}${owner}  ${range}`);
    open.push(s);
  }
  return lines.join('\n');
}

function contains(outer: FileSymbol, inner: FileSymbol): boolean {
  return outer.line <= inner.line && inner.endLine <= outer.endLine;
}
