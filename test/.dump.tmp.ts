import { readFileSync } from 'node:fs';
import { Grammars } from '/work/main/src/core/workspace/syntax/Grammars';
import { locateSyntaxAssets } from '/work/main/src/core/workspace/syntax/SyntaxAssets';
import { extractSymbols } from '/work/main/src/core/workspace/syntax/extractSymbols';
const files: Record<string,string> = { typescript: 'sample.ts', tsx: 'sample.tsx', javascript: 'sample.js', python: 'sample.py', go: 'sample.go', rust: 'sample.rs', java: 'Sample.java', c: 'sample.c', cpp: 'sample.cpp', csharp: 'Sample.cs', ruby: 'sample.rb', php: 'sample.php' };
const only = process.argv[2];
(async () => {
  const g = await Grammars.create(locateSyntaxAssets('/work/main/src/core/workspace/syntax'));
  for (const [lang, f] of Object.entries(files)) {
    if (only && only !== lang) continue;
    const text = readFileSync('/work/main/test/fixtures/syntax/' + f, 'utf8');
    const t0 = performance.now();
    const tree = g.parse(lang, text);
    const syms = extractSymbols(tree, g.tagsQuery(lang)!);
    tree.delete();
    console.log(`== ${lang} (${(performance.now()-t0).toFixed(1)}ms)`);
    for (const s of syms) console.log(`  ${s.kind} ${s.name} ${s.line}-${s.endLine}${s.container ? ' in ' + s.container : ''}`);
  }
})().catch((e) => { console.error(e); process.exit(1); });
