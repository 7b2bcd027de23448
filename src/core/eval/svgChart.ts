// The report's chart: mean score against context size (log scale), one line per mode. Hand-written SVG, a few
// elements with every text escaped, so it opens in any browser or Markdown viewer with no library behind it.

import type { EvalReport, GroupFigures } from './report';

const WIDTH = 640;
const HEIGHT = 380;
const MARGIN = { left: 56, right: 130, top: 48, bottom: 48 };
const COLOURS: Record<string, string> = { rlm: '#1f6feb', vanilla: '#d1242f' };
const FALLBACK_COLOURS = ['#8250df', '#1a7f37', '#9a6700'];

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** `groups` defaults to the report's per-mode-and-size figures; pass one suite's to chart it alone. */
export function scoreChartSvg(report: EvalReport, options: { groups?: GroupFigures[]; title?: string } = {}): string {
  const groups = options.groups ?? report.groups;
  const title = options.title ?? 'Score against context size';
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const sizes = [...new Map(groups.map((g) => [g.sizeLabel, g.sizeTokens])).entries()].sort((a, b) => a[1] - b[1]);
  const logs = sizes.map(([, t]) => Math.log10(Math.max(1, t)));
  const [lo, hi] = [Math.min(...logs), Math.max(...logs)];
  const x = (tokens: number) => MARGIN.left + (hi === lo ? plotW / 2 : ((Math.log10(Math.max(1, tokens)) - lo) / (hi - lo)) * plotW);
  const y = (score: number) => MARGIN.top + (1 - score) * plotH;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="system-ui, sans-serif" font-size="12">`,
    `<title>${escapeXml(`${title}: ${report.models.root} (root) and ${report.models.sub} (sub-calls)`)}</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${MARGIN.left}" y="20" font-size="15" font-weight="600">${escapeXml(title)}</text>`,
    `<text x="${MARGIN.left}" y="36" fill="#57606a">${escapeXml(`root ${report.models.root}, sub-calls ${report.models.sub}${report.note ? ` (${report.note})` : ''}`)}</text>`,
  ];
  for (const s of [0, 0.25, 0.5, 0.75, 1]) {
    out.push(`<line x1="${MARGIN.left}" y1="${f(y(s))}" x2="${MARGIN.left + plotW}" y2="${f(y(s))}" stroke="#d0d7de" stroke-width="1"/>`);
    out.push(`<text x="${MARGIN.left - 8}" y="${f(y(s) + 4)}" text-anchor="end" fill="#57606a">${s.toFixed(2)}</text>`);
  }
  for (const [label, tokens] of sizes) {
    out.push(`<text x="${f(x(tokens))}" y="${MARGIN.top + plotH + 18}" text-anchor="middle" fill="#57606a">${escapeXml(label)}</text>`);
  }
  out.push(`<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 8}" text-anchor="middle">context size (tokens, log scale)</text>`);
  out.push(`<text x="14" y="${MARGIN.top + plotH / 2}" text-anchor="middle" transform="rotate(-90 14 ${MARGIN.top + plotH / 2})">mean score</text>`);
  const modes = [...new Set(groups.map((g) => g.mode))];
  modes.forEach((mode, i) => {
    const colour = COLOURS[mode] ?? FALLBACK_COLOURS[i % FALLBACK_COLOURS.length]!;
    const points = groups.filter((g) => g.mode === mode).sort((a, b) => a.sizeTokens - b.sizeTokens);
    out.push(`<polyline fill="none" stroke="${colour}" stroke-width="2.5" points="${points.map((p) => `${f(x(p.sizeTokens))},${f(y(p.score))}`).join(' ')}"/>`);
    for (const p of points) {
      out.push(`<circle cx="${f(x(p.sizeTokens))}" cy="${f(y(p.score))}" r="4" fill="${colour}"><title>${escapeXml(`${mode} at ${p.sizeLabel}: score ${p.score.toFixed(2)} over ${p.jobs} jobs, $${p.costUsd.toFixed(4)}`)}</title></circle>`);
    }
    const ly = MARGIN.top + 12 + i * 20;
    const lx = MARGIN.left + plotW + 16;
    out.push(`<line x1="${lx}" y1="${ly - 4}" x2="${lx + 22}" y2="${ly - 4}" stroke="${colour}" stroke-width="2.5"/>`);
    out.push(`<text x="${lx + 28}" y="${ly}">${escapeXml(mode)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

const f = (n: number) => (Math.round(n * 10) / 10).toString();
