// Turns one REPL cell into a script QuickJS can run with notebook semantics, as Node's REPL does for top-level
// await: top-level declarations become global `var`s (so later cells see them, and `const x` may be declared
// again), the rest runs in an async IIFE (so `await` works), and the last expression statement is returned.
// Edits keep every statement on its original line, so QuickJS's line numbers are the model's line numbers.

import { parse } from 'acorn';
import type {
  Node,
  Pattern,
  Program,
  Statement,
  ModuleDeclaration,
  VariableDeclaration,
  VariableDeclarator,
} from 'acorn';

export type CellTransform =
  | { ok: true; script: string; declaredNames: string[] }
  | { ok: false; error: string };

interface Edit {
  start: number;
  end: number;
  text: string;
}

/**
 * Transforms a cell's source; a syntax error comes back as a message with the model's line and column.
 * `reserved` names the engine's globals: declaring one at the top level is refused, since the engine's
 * globals are read-only and the declaration would silently do nothing.
 */
export function transformCell(source: string, reserved: ReadonlySet<string> = new Set()): CellTransform {
  let program: Program;
  try {
    program = parse(source, {
      ecmaVersion: 'latest',
      sourceType: 'script',
      allowAwaitOutsideFunction: true,
      locations: true,
    });
  } catch (error) {
    return { ok: false, error: describeSyntaxError(source, error) };
  }
  const rewriter = new CellRewriter(source);
  rewriter.rewriteTopLevel(program.body);
  const clash = [...rewriter.names].find((name) => reserved.has(name));
  if (clash !== undefined) {
    return { ok: false, error: `\`${clash}\` is an engine function and cannot be redeclared; pick another name for your variable (e.g. my_${clash})` };
  }
  return { ok: true, script: rewriter.script(), declaredNames: [...rewriter.names] };
}

class CellRewriter {
  readonly names = new Set<string>();
  private readonly functionNames: string[] = [];
  private readonly edits: Edit[] = [];

  constructor(private readonly source: string) {}

  rewriteTopLevel(body: Array<Statement | ModuleDeclaration>): void {
    body.forEach((statement, index) => {
      const isLast = index === body.length - 1;
      switch (statement.type) {
        case 'VariableDeclaration':
          this.rewriteDeclarationStatement(statement);
          break;
        case 'FunctionDeclaration':
          // Stays in place (hoisted inside the IIFE); published to the global at the start of the cell.
          this.names.add(statement.id.name);
          this.functionNames.push(statement.id.name);
          break;
        case 'ClassDeclaration':
          this.names.add(statement.id.name);
          this.edits.push({
            start: statement.start,
            end: statement.end,
            text: `;${statement.id.name} = ${this.text(statement)};`,
          });
          break;
        case 'ExpressionStatement':
          if (isLast) {
            this.edits.push({ start: statement.start, end: statement.end, text: `return (${this.text(statement.expression)});` });
          }
          break;
        default:
          this.rewriteNestedVars(statement);
      }
    });
  }

  script(): string {
    const ordered = [...this.edits].sort((a, b) => a.start - b.start);
    let body = '';
    let cursor = 0;
    for (const edit of ordered) {
      body += this.source.slice(cursor, edit.start) + edit.text;
      cursor = edit.end;
    }
    body += this.source.slice(cursor);
    const hoisted = this.names.size > 0 ? `var ${[...this.names].join(', ')};` : '';
    // The arrow's `this` is the script's `this`, the global object, even if the cell shadows `globalThis`.
    const publish = this.functionNames.map((name) => `this.${name} = ${name};`).join('');
    // The closing line is separate so a trailing line comment in the cell cannot swallow it.
    return `${hoisted}(async () => {${publish}${body}\n})()`;
  }

  /** `const {a, b: [c]} = x, d = 1;` becomes `void (({a, b: [c]} = x), (d = 1));` with the same line breaks. */
  private rewriteDeclarationStatement(declaration: VariableDeclaration): void {
    this.edits.push({ start: declaration.start, end: declaration.end, text: `void (${this.assignments(declaration)});` });
  }

  private assignments(declaration: VariableDeclaration): string {
    let out = '';
    let cursor = declaration.declarations[0].start;
    for (const declarator of declaration.declarations) {
      collectPatternNames(declarator.id, this.names);
      out += this.source.slice(cursor, declarator.start) + `(${this.assignment(declaration.kind, declarator)})`;
      cursor = declarator.end;
    }
    return out;
  }

  private assignment(kind: VariableDeclaration['kind'], declarator: VariableDeclarator): string {
    if (declarator.init) return this.text(declarator);
    // `var x;` keeps an existing value, as a redeclared var does; `let x;` starts over as undefined.
    return kind === 'var' ? 'void 0' : `${this.text(declarator)} = undefined`;
  }

  /** A `var` inside a top-level block or loop belongs to the cell's scope too, so it becomes global as well. */
  private rewriteNestedVars(node: Node | null | undefined): void {
    if (!node) return;
    const n = node as Statement;
    switch (n.type) {
      case 'VariableDeclaration':
        if (n.kind === 'var') this.rewriteDeclarationStatement(n);
        return;
      case 'BlockStatement':
        n.body.forEach((s) => this.rewriteNestedVars(s));
        return;
      case 'IfStatement':
        this.rewriteNestedVars(n.consequent);
        this.rewriteNestedVars(n.alternate);
        return;
      case 'ForStatement':
        if (n.init?.type === 'VariableDeclaration' && n.init.kind === 'var') {
          this.edits.push({ start: n.init.start, end: n.init.end, text: `(${this.assignments(n.init)})` });
        }
        this.rewriteNestedVars(n.body);
        return;
      case 'ForInStatement':
      case 'ForOfStatement':
        if (n.left.type === 'VariableDeclaration' && n.left.kind === 'var') {
          const target = n.left.declarations[0].id;
          collectPatternNames(target, this.names);
          this.edits.push({ start: n.left.start, end: n.left.end, text: this.text(target) });
        }
        this.rewriteNestedVars(n.body);
        return;
      case 'WhileStatement':
      case 'DoWhileStatement':
      case 'LabeledStatement':
        this.rewriteNestedVars(n.body);
        return;
      case 'TryStatement':
        this.rewriteNestedVars(n.block);
        this.rewriteNestedVars(n.handler?.body);
        this.rewriteNestedVars(n.finalizer);
        return;
      case 'SwitchStatement':
        n.cases.forEach((c) => c.consequent.forEach((s) => this.rewriteNestedVars(s)));
        return;
      default:
        return;
    }
  }

  private text(node: Node): string {
    return this.source.slice(node.start, node.end);
  }
}

function collectPatternNames(pattern: Pattern, into: Set<string>): void {
  switch (pattern.type) {
    case 'Identifier':
      into.add(pattern.name);
      return;
    case 'ObjectPattern':
      for (const property of pattern.properties) {
        collectPatternNames(property.type === 'RestElement' ? property : property.value, into);
      }
      return;
    case 'ArrayPattern':
      for (const element of pattern.elements) if (element) collectPatternNames(element, into);
      return;
    case 'RestElement':
      collectPatternNames(pattern.argument, into);
      return;
    case 'AssignmentPattern':
      collectPatternNames(pattern.left, into);
      return;
    default:
      return; // MemberExpression targets declare nothing
  }
}

function describeSyntaxError(source: string, error: unknown): string {
  const loc = (error as { loc?: { line: number; column: number } }).loc;
  const raw = error instanceof Error ? error.message : String(error);
  if (!loc) return `SyntaxError: ${raw}`;
  const message = raw.replace(/\s*\(\d+:\d+\)$/, '');
  const lineText = source.split(/\r\n|\r|\n/)[loc.line - 1] ?? '';
  const gutter = `${loc.line} | `;
  return (
    `SyntaxError: ${message} at line ${loc.line}, column ${loc.column + 1}\n` +
    `${gutter}${lineText}\n${' '.repeat(gutter.length + loc.column)}^`
  );
}
