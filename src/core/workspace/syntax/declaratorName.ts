// The name a C/C++ function definition defines, found by walking its declarator: through any number of
// pointers, references and parentheses (`const T &operator*()`, `int **(*f)(void)`), then qualified names
// (`Outer::Inner::method`, `Foo<T>::bar`) and template functions (`swap<T>`). A query can only spell out
// each nesting depth as its own pattern; the walk covers them all.
import type { Node } from 'web-tree-sitter';

export interface DeclaredName {
  name: string;
  /** Where the name starts (identifies the definition when several patterns tag it). */
  start: number;
  /** The innermost scope of a qualified name (`Bar` in `foo::Bar::baz`), template arguments dropped. */
  container?: string;
}

const MAX_DEPTH = 16;

/** The function's name, or undefined when the declarator declares no function (a data member `int x;`). */
export function declaratorName(declarator: Node): DeclaredName | undefined {
  let node: Node | null = declarator;
  let container: string | undefined;
  let isFunction = false;
  for (let depth = 0; node && depth < MAX_DEPTH; depth++) {
    switch (node.type) {
      case 'function_declarator':
        isFunction = true;
        node = node.childForFieldName('declarator');
        break;
      case 'pointer_declarator':
        node = node.childForFieldName('declarator');
        break;
      case 'reference_declarator':
      case 'parenthesized_declarator':
        node = node.namedChildren.filter((c) => c !== null && c.type !== 'ms_call_modifier').at(-1) ?? null;
        break;
      case 'attributed_declarator':
        node = node.namedChild(0);
        break;
      case 'qualified_identifier': {
        const scope = node.childForFieldName('scope');
        if (scope) container = (scope.type === 'template_type' ? scope.childForFieldName('name') ?? scope : scope).text;
        node = node.childForFieldName('name');
        break;
      }
      case 'template_function':
        node = node.childForFieldName('name');
        break;
      case 'identifier':
      case 'field_identifier':
      case 'destructor_name':
        return isFunction ? { name: node.text, start: node.startIndex, container } : undefined;
      case 'operator_name':
        return isFunction ? { name: operatorName(node.text), start: node.startIndex, container } : undefined;
      case 'operator_cast': { // `operator bool() const`: named by the type it converts to
        const type = node.childForFieldName('type');
        return { name: operatorName(`operator ${type?.text ?? ''}`), start: node.startIndex, container };
      }
      default:
        return undefined;
    }
  }
  return undefined;
}

/** `operator ==` and `operator==` alike, as people search for them; `operator new` keeps its space. */
function operatorName(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/^operator (?=[^\w])/, 'operator').trim();
}
