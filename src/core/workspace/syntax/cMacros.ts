// Tree-sitter parses C and C++ without a preprocessor. A macro standing alone on a line
// (`ABSL_NAMESPACE_BEGIN`, `_GLIBCXX_BEGIN_NAMESPACE_VERSION`, `__BEGIN_DECLS`, `PB_DS_CLASS_T_DEC`) or
// between `class` and the class's name (`class LLVM_LIBRARY_VISIBILITY Foo`) then reads as a type or a
// name, and error recovery loses the definitions after it, often the rest of the file. Blanking such macros
// (with spaces, so no offset or line moves) gives the grammar the code the compiler sees once they expand to
// nothing or to attributes. Only symbol extraction reads the blanked text; ast_query parses the file as is.

/**
 * An upper-case identifier (3+ characters), optionally called with arguments that fit on the line, alone on
 * its line but for a trailing `//` comment.
 */
const MACRO_LINE = /^[ \t]*[A-Z_][A-Z0-9_]+[A-Z0-9_](?:[ \t]*\((?:[^()\n]|\([^()\n]*\))*\))?[ \t]*(?:\/\/[^\n]*)?\r?$/gm;
/**
 * The line after an upper-case return type on its own line, as in `VALUE\nrb_ary_new(void)`: then the macro
 * is the type. The function's name has a lower-case letter; an upper-case one is the next macro.
 */
const DECLARATOR_NEXT = /^[ \t]*[*&\s]*(?=[\w:~]*[a-z])[A-Za-z_][\w:~]*[ \t]*\(/;
/** `class API Name {`, `struct ABSL_ATTR(x) Name : Base`, `class API Name final`, `class API Name<T>`. */
const CLASS_MACRO = /\b(?:class|struct|union)[ \t]+([A-Z_][A-Z0-9_]+[A-Z0-9_](?:\([^()\n]*\))?)(?=[ \t]+[A-Za-z_]\w*[ \t]*(?:final\b|[:{<]|\r?\n|$))/g;

/** The C/C++ text with those macros replaced by spaces; the same string when there are none. */
export function blankStandaloneMacros(text: string): string {
  let out = text.replace(MACRO_LINE, (line: string, offset: number) => {
    const next = nextNonBlankLine(text, offset + line.length);
    return next !== undefined && DECLARATOR_NEXT.test(next) ? line : ' '.repeat(line.length);
  });
  out = out.replace(CLASS_MACRO, (whole: string, macro: string) => whole.slice(0, whole.length - macro.length) + ' '.repeat(macro.length));
  return out;
}

function nextNonBlankLine(text: string, from: number): string | undefined {
  let start = from;
  while (start < text.length) {
    if (text[start] === '\n') { start++; continue; }
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const line = text.slice(start, end);
    if (line.trim() !== '') return line;
    start = end + 1;
  }
  return undefined;
}
