// Huge answers a model can give (FINAL(read('package-lock.json')) and worse), for the tests of the pieces the
// pages cut them into and of how long rendering them holds the page.

const MB = 1024 * 1024;

/** About `chars` characters made of `part(i)` repeated, built in one join (no quadratic string growth). */
function repeatTo(chars: number, part: (i: number) => string, separator = '\n'): string {
  const parts: string[] = [];
  for (let i = 0, size = 0; size < chars; i++) {
    const next = part(i);
    parts.push(next);
    size += next.length + separator.length;
  }
  return parts.join(separator);
}

/** A package-lock.json: no blank line in it, so Markdown would see one 5 MB paragraph. */
export function lockfile(chars = 5 * MB): string {
  return `{\n  "name": "shop",\n  "lockfileVersion": 3,\n  "packages": {\n${repeatTo(chars, (i) => `    "node_modules/pkg-${i}": {\n      "version": "1.${i % 50}.${i % 7}",\n      "resolved": "https://registry.npmjs.org/pkg-${i}/-/pkg-${i}-1.0.0.tgz",\n      "integrity": "sha512-${'Ab9'.repeat(28)}==",\n      "dev": true\n    },`)}\n  }\n}\n`;
}

/** An ordinary answer, very long: headings, prose with path links, tight lists, tables, small code blocks. */
export function longProse(chars = 5 * MB): string {
  return repeatTo(chars, (i) => [
    `## ${i + 1}. The retry path in src/net/retry${i}.ts:${i + 3}`,
    '',
    `The client retries **idempotent** requests with \`backoff(attempt)\`, see src/net/client.ts:${10 + (i % 90)}-${20 + (i % 90)} and [the docs](https://example.com/retry/${i}).`,
    '',
    '- the delay doubles each attempt',
    `- at most ${i % 9} attempts, then \`RetryError\``,
    '',
    '| file | line |',
    '|---|---|',
    `| src/net/retry${i}.ts | ${i + 3} |`,
    '',
    '```ts',
    `export function backoff${i}(attempt: number): number {`,
    '  return Math.min(30_000, 2 ** attempt * 100);',
    '}',
    '```',
    '',
  ].join('\n'));
}

/** One line of 5 MB. */
export function singleLine(chars = 5 * MB): string {
  return repeatTo(chars, (i) => `token${i}`, ' ');
}

/** One fenced code block of 5 MB. */
export function codeBlock(chars = 5 * MB): string {
  return `Here is the file:\n\n\`\`\`ts\n${repeatTo(chars, (i) => `export const value${i} = compute(${i}, "text ${i}") /* note ${i} */;`)}\n\`\`\`\n\nThat was all.\n`;
}

/**
 * What an adversary might plant for a model to repeat: nesting as deep as Markdown and HTML go (quotes, lists,
 * emphasis, brackets, backticks, tags), each block a few kilobytes, repeated to 5 MB.
 */
export function deeplyNested(chars = 5 * MB): string {
  const blocks = [
    '> '.repeat(1500) + 'deep quote',
    Array.from({ length: 120 }, (_, i) => `${'  '.repeat(i)}- level ${i}`).join('\n'),
    '*a **b '.repeat(700),
    '['.repeat(2000) + 'x' + ']('.repeat(1000) + ')'.repeat(1000),
    '`'.repeat(1500) + ' code ' + '``'.repeat(700),
    '<div><span>'.repeat(600) + 'html' + '</span></div>'.repeat(600),
    '_'.repeat(3000),
    '![a]('.repeat(800),
    '<'.repeat(2000) + 'a' + '>'.repeat(2000),
    '1. '.repeat(1200) + 'list',
  ];
  return repeatTo(chars, (i) => blocks[i % blocks.length]!, '\n\n');
}

export const LARGE_ANSWERS = { lockfile, longProse, singleLine, codeBlock, deeplyNested };
