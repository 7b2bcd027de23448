// Definitions kept compact: five int32 per definition in one typed array per file, every string (name, kind,
// container) interned once in a table. One object per definition (1.5 M of them in a 96,000-file monorepo, each
// with its own copies of its strings after crossing from a parser thread) made the heap the garbage collector
// walks, the messages from the parser threads and the cache several times larger than the definitions.
import type { CodeSymbol, FileSymbol } from './types';

/** Int32 fields per definition: name, kind, line, endLine, container. */
export const FIELDS = 5;
const NAME = 0;
const KIND = 1;
const LINE = 2;
const END_LINE = 3;
const CONTAINER = 4;
/** The container field of a definition with none. */
const NONE = -1;

/** A file's definitions as a parser thread sends them: rows whose strings are indexes into the file's own list. */
export interface PackedSymbols {
  strings: string[];
  rows: Int32Array;
}

/** A file's definitions in the index: rows whose strings are ids in the index's StringTable. */
export type SymbolRows = Int32Array;

export const NO_SYMBOLS: SymbolRows = new Int32Array(0);

export function packSymbols(symbols: readonly FileSymbol[]): PackedSymbols {
  const ids = new Map<string, number>();
  const strings: string[] = [];
  const id = (s: string) => {
    let at = ids.get(s);
    if (at === undefined) {
      ids.set(s, (at = strings.length));
      strings.push(s);
    }
    return at;
  };
  const rows = new Int32Array(symbols.length * FIELDS);
  for (let i = 0; i < symbols.length; i++) {
    const s = symbols[i]!;
    const at = i * FIELDS;
    rows[at + NAME] = id(s.name);
    rows[at + KIND] = id(s.kind);
    rows[at + LINE] = s.line;
    rows[at + END_LINE] = s.endLine;
    rows[at + CONTAINER] = s.container === undefined ? NONE : id(s.container);
  }
  return { strings, rows };
}

/**
 * Every string of the index's definitions, once, by id. It only grows, so an id never changes meaning (rows taken
 * for an answer stay readable while files are reparsed); a name that disappears from the code keeps its few bytes.
 */
export class StringTable {
  private readonly ids = new Map<string, number>();
  private readonly list: string[] = [];

  get size(): number {
    return this.list.length;
  }

  intern(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      this.ids.set(s, (id = this.list.length));
      this.list.push(s);
    }
    return id;
  }

  /** The id of a string, or undefined when no definition ever used it. */
  idOf(s: string): number | undefined {
    return this.ids.get(s);
  }

  at(id: number): string {
    return this.list[id]!;
  }

  /** Every string in id order (the live list: read it, never change it). */
  all(): readonly string[] {
    return this.list;
  }

  /** Rows with the ids of a parser thread's list of strings turned into this table's, as a new array. */
  adopt(strings: readonly string[], rows: Int32Array): SymbolRows {
    const ids = strings.map((s) => this.intern(s));
    return remapRows(rows, (id) => ids[id])!; // a parser thread's rows refer only to its own list
  }

  /** The i-th definition of the rows as an object (for an answer: only the definitions it returns are built). */
  symbol(rows: SymbolRows, i: number): FileSymbol;
  symbol(rows: SymbolRows, i: number, path: string): CodeSymbol;
  symbol(rows: SymbolRows, i: number, path?: string): FileSymbol | CodeSymbol {
    return symbolAt(this.list, rows, i, path);
  }

  symbols(rows: SymbolRows): FileSymbol[] {
    return symbolsIn(this.list, rows);
  }
}

/** What a parser thread sent, as objects. */
export function unpackSymbols(packed: PackedSymbols): FileSymbol[] {
  return symbolsIn(packed.strings, packed.rows);
}

/** One object per definition, in the answer's key order (name, kind, line, endLine, container, path). */
function symbolAt(strings: readonly string[], rows: Int32Array, i: number, path?: string): FileSymbol | CodeSymbol {
  const at = i * FIELDS;
  const name = strings[rows[at + NAME]!]!;
  const kind = strings[rows[at + KIND]!]!;
  const line = rows[at + LINE]!;
  const endLine = rows[at + END_LINE]!;
  const container = rows[at + CONTAINER]!;
  if (path === undefined) return container === NONE ? { name, kind, line, endLine } : { name, kind, line, endLine, container: strings[container]! };
  return container === NONE ? { name, kind, line, endLine, path } : { name, kind, line, endLine, container: strings[container]!, path };
}

function symbolsIn(strings: readonly string[], rows: Int32Array): FileSymbol[] {
  const out: FileSymbol[] = [];
  for (let i = 0; i < rows.length / FIELDS; i++) out.push(symbolAt(strings, rows, i) as FileSymbol);
  return out;
}

/**
 * The rows with every string id passed through `map` (another table's ids into this one's), as a new array;
 * undefined when `map` does not know an id (a cache line that refers to a string it never listed).
 */
export function remapRows(rows: Int32Array, map: (id: number) => number | undefined): SymbolRows | undefined {
  if (rows.length === 0) return NO_SYMBOLS;
  const out = new Int32Array(rows.length);
  for (let at = 0; at < rows.length; at += FIELDS) {
    const name = map(rows[at + NAME]!);
    const kind = map(rows[at + KIND]!);
    const container = rows[at + CONTAINER]! === NONE ? NONE : map(rows[at + CONTAINER]!);
    if (name === undefined || kind === undefined || container === undefined) return undefined;
    out[at + NAME] = name;
    out[at + KIND] = kind;
    out[at + LINE] = rows[at + LINE]!;
    out[at + END_LINE] = rows[at + END_LINE]!;
    out[at + CONTAINER] = container;
  }
  return out;
}

/** Accessors for a row's ids, for loops that filter without building objects. */
export const nameId = (rows: SymbolRows, i: number): number => rows[i * FIELDS + NAME]!;
export const kindId = (rows: SymbolRows, i: number): number => rows[i * FIELDS + KIND]!;
export const symbolCount = (rows: SymbolRows): number => rows.length / FIELDS;
