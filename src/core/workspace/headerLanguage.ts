// `.h` is the header extension of both C and C++, and the two grammars disagree on much of C++ (classes,
// templates, namespaces): parsed as C, a C++ header loses a third or more of its definitions. So a header
// is C++ when its text shows a C++ construct, and a header that shows none (macros, plain prototypes)
// follows the workspace: C++ when most of the workspace's C-family files are C++, else C. Such plain
// headers are 1-18% of a C++ library's headers (LLVM, libstdc++, Abseil, GoogleTest) and nearly all of a C one's.

/** Constructs C never has, each at the start of a line (so prose in comments rarely matches). */
const CPP_CONSTRUCTS = [
  String.raw`template\s*<`,
  String.raw`(?:inline\s+)?namespace(?:\s+[A-Za-z_][\w:]*)?\s*\{`,
  String.raw`(?:inline\s+)?namespace\s+[A-Za-z_][\w:]*\s*$`, // GNU style: the brace on the next line
  String.raw`namespace\s+[A-Za-z_]\w*\s*=`,
  // `class Name {`, `class API_MACRO Name : Base`, `class Name;` (a C identifier is never followed by a name)
  String.raw`class\s+(?:[A-Za-z_][\w()]*\s+)*[A-Za-z_]\w*\s*(?:final\s*)?(?:[:{;]|$)`,
  String.raw`(?:class|struct)\s+[^;{\n]*:\s*(?:public|private|protected|virtual)\b`,
  String.raw`(?:public|private|protected)\s*:(?!:)`,
  String.raw`using\s+(?:namespace\s+[\w:]+|[A-Za-z_]\w*\s*=|[\w:]*::\w+)`,
  String.raw`#\s*include\s*<[\w/+]+>`, // <vector>, <cstdio>: C's own headers all end in .h
  String.raw`virtual\s+[^;\n]*\(`,
  String.raw`explicit\s+(?:constexpr\s+)?[A-Za-z_]\w*\s*\(`,
  String.raw`friend\s+(?:class|struct)\b`,
].map((construct) => String.raw`^[ \t]*(?:${construct})`).join('|');
const CPP_LINE = new RegExp(CPP_CONSTRUCTS);
/** The same over a whole text: most C headers have no candidate line at all, and one regex pass says so. */
const CPP_ANYWHERE = new RegExp(CPP_CONSTRUCTS, 'm');

const CONDITIONAL = /^[ \t]*#[ \t]*(if|ifdef|ifndef|elif|else|endif)\b(.*)$/;
/** `defined(__cplusplus)` or a bare `__cplusplus`: compiled as C++ at all (`__cplusplus >= 201103L` only picks a C++ version). */
const CPLUSPLUS_DEFINED = /(?<!!\s*)\bdefined\s*\(?\s*__cplusplus\b|^\s*__cplusplus\s*(?:$|\/[*/])/;
const CPLUSPLUS_UNDEFINED = /!\s*(?:defined\s*\(?\s*)?__cplusplus\b/;

/** An open `#if`: whether its current branch is compiled only as C++, and whether its `#else` would be. */
interface Conditional { cppOnly: boolean; elseIsCppOnly: boolean }

/**
 * Whether the start of a `.h` file (FileInspection passes its first 64 KB) holds C++. Lines inside
 * `#ifdef __cplusplus` blocks do not count: that is how a C header offers C++ extras (gmp.h's iostream
 * operators, pthread.h's cleanup class), and such a header stays C. (Version tests such as
 * `#if __cplusplus >= 201103L` are C++ headers choosing features: their lines count.)
 */
export function headerLooksLikeCpp(text: string): boolean {
  if (!CPP_ANYWHERE.test(text)) return false;
  const open: Conditional[] = [];
  let cppOnlyBranches = 0;
  const enter = (c: Conditional) => { open.push(c); if (c.cppOnly) cppOnlyBranches++; };
  const switchTo = (c: Conditional, cppOnly: boolean, elseIsCppOnly: boolean) => {
    cppOnlyBranches += Number(cppOnly) - Number(c.cppOnly);
    c.cppOnly = cppOnly;
    c.elseIsCppOnly = elseIsCppOnly;
  };
  for (let start = 0; start < text.length;) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const line = text.slice(start, end);
    start = end + 1;
    const directive = line.includes('#') ? CONDITIONAL.exec(line) : null;
    if (!directive) {
      if (cppOnlyBranches === 0 && CPP_LINE.test(line)) return true;
      continue;
    }
    const [, keyword, condition] = directive;
    const mentions = condition.includes('__cplusplus');
    const cppOnly = mentions && (keyword === 'ifdef' || (keyword !== 'ifndef' && CPLUSPLUS_DEFINED.test(condition)));
    const negated = mentions && (keyword === 'ifndef' || (keyword !== 'ifdef' && CPLUSPLUS_UNDEFINED.test(condition)));
    const top = open[open.length - 1];
    if (keyword === 'if' || keyword === 'ifdef' || keyword === 'ifndef') enter({ cppOnly, elseIsCppOnly: negated });
    else if (!top) continue; // an #else or #endif without its #if (cut by the 64 KB window): ignore it
    else if (keyword === 'elif') switchTo(top, cppOnly, negated);
    else if (keyword === 'else') switchTo(top, top.elseIsCppOnly, false);
    else if (open.pop()!.cppOnly) cppOnlyBranches--;
  }
  return false;
}

/** Header names whose language the text (or else the workspace) decides; the name alone says C. */
export const AMBIGUOUS_HEADER = /\.h$/i;

/**
 * The workspace's say on plain headers (`.h` files with no C++ construct): C++ when more of its C-family
 * files are C++ than C, else C. `.cc`/`.cpp`/`.hpp`/... files and headers that look like C++ count as C++;
 * `.c` files and plain headers count as C (they look like C), so a C library's few C++ wrapper headers do
 * not turn its hundreds of plain ones. The index records every file through `record` and `forget`, then
 * calls `settle` once per batch: plain headers recorded before the majority turned change language.
 */
export class HeaderMajority {
  private readonly votes = new Map<string, 'c' | 'cpp'>();
  private cpp = 0;
  private c = 0;
  /** Plain headers and the language each was last given. */
  private readonly plain = new Map<string, string>();
  private turned = false;

  /** The language plain headers get now. */
  get headerLanguage(): 'c' | 'cpp' {
    return this.cpp > this.c ? 'cpp' : 'c';
  }

  /** Counts a file the index records (again); returns the language to record, the majority's for a plain header. */
  record(path: string, language: string, plainHeader: boolean): string {
    this.forget(path);
    if (language === 'c' || language === 'cpp') this.vote(path, language);
    if (!plainHeader) return language;
    const given = this.headerLanguage;
    this.plain.set(path, given);
    return given;
  }

  forget(path: string): void {
    this.plain.delete(path);
    const had = this.votes.get(path);
    if (had === undefined) return;
    const before = this.headerLanguage;
    this.votes.delete(path);
    if (had === 'cpp') this.cpp--;
    else this.c--;
    if (this.headerLanguage !== before) this.turned = true;
  }

  /** The plain headers whose recorded language is no longer the majority's, with the language they get now. */
  settle(): Array<{ path: string; language: string }> {
    if (!this.turned) return [];
    this.turned = false;
    const now = this.headerLanguage;
    const relabel: Array<{ path: string; language: string }> = [];
    for (const [path, given] of this.plain) {
      if (given === now) continue;
      this.plain.set(path, now);
      relabel.push({ path, language: now });
    }
    return relabel;
  }

  private vote(path: string, language: 'c' | 'cpp'): void {
    const before = this.headerLanguage;
    this.votes.set(path, language);
    if (language === 'cpp') this.cpp++;
    else this.c++;
    if (this.headerLanguage !== before) this.turned = true;
  }
}
