// The report's files in the output folder: report.md, report.json, report.svg, and one chart per suite
// (report.<suite>.svg) when the eval ran several.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { reportMarkdown, type EvalReport } from './report';
import { scoreChartSvg } from './svgChart';

export function writeReport(outDir: string, report: EvalReport): string[] {
  const files: Array<[string, string]> = [
    ['report.md', reportMarkdown(report)],
    ['report.json', JSON.stringify(report, null, 2) + '\n'],
    ['report.svg', scoreChartSvg(report)],
  ];
  const suites = [...new Set(report.bySuite.map((g) => g.suite!))];
  if (suites.length > 1) {
    for (const suite of suites) {
      const groups = report.bySuite.filter((g) => g.suite === suite);
      files.push([`report.${suite.replace(/[^A-Za-z0-9._-]+/g, '_')}.svg`, scoreChartSvg(report, { groups, title: `${suite}: score against context size` })]);
    }
  }
  for (const [name, text] of files) writeFileSync(join(outDir, name), text);
  return files.map(([name]) => join(outDir, name));
}
