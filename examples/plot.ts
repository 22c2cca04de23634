// A small SVG plotter the examples share: scatter and line series with axis titles, ticks, and a
// legend boxed in the corner the data leave emptiest; a log-scale y axis for loss curves.
import { writeFileSync } from 'node:fs';

export interface Series {
  readonly label: string;
  readonly color: string;
  readonly kind: 'points' | 'line';
  readonly xs: readonly number[];
  readonly ys: readonly number[];
  /** Dot radius for points (default 3). */
  readonly radius?: number;
}
export interface PlotOptions {
  readonly series: readonly Series[];
  readonly xLabel: string;
  readonly yLabel: string;
  readonly title?: string;
  /** A log10 y axis (for losses); non-positive values are left out. */
  readonly logY?: boolean;
  readonly width?: number;
  readonly height?: number;
}

const M = { left: 64, right: 16, top: 34, bottom: 48 };
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const num = (v: number) => (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(1) : String(Number(v.toPrecision(3))));

function niceTicks(lo: number, hi: number, n = 6): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n, mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

/** The plot as an SVG document. */
export function plotSvg(o: PlotOptions): string {
  const width = o.width ?? 640, height = o.height ?? 420;
  const w = width - M.left - M.right, h = height - M.top - M.bottom;
  const ty = (v: number) => (o.logY ? Math.log10(v) : v);
  const keep = (y: number) => Number.isFinite(y) && (!o.logY || y > 0);
  const xs = o.series.flatMap((s) => s.xs.filter((_, i) => keep(s.ys[i]!)));
  const ys = o.series.flatMap((s) => s.ys.filter(keep).map(ty));
  let [x0, x1] = [Math.min(...xs), Math.max(...xs)], [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (o.logY) [y0, y1] = [Math.floor(y0), Math.ceil(y1 + 1e-9)];
  else { const pad = (y1 - y0) * 0.05 || 1; [y0, y1] = [y0 - pad, y1 + pad]; }
  if (!(x1 > x0)) [x0, x1] = [x0 - 1, x0 + 1];
  const px = (v: number) => M.left + ((v - x0) / (x1 - x0)) * w;
  const py = (v: number) => M.top + (1 - (ty(v) - y0) / (y1 - y0)) * h;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<rect x="${M.left}" y="${M.top}" width="${w}" height="${h}" fill="none" stroke="#333"/>`,
  ];
  if (o.title) out.push(`<text x="${M.left + w / 2}" y="20" text-anchor="middle" font-size="13">${esc(o.title)}</text>`);
  for (const v of niceTicks(x0, x1)) {
    out.push(`<line x1="${px(v).toFixed(1)}" y1="${M.top + h}" x2="${px(v).toFixed(1)}" y2="${M.top + h + 4}" stroke="#333"/>`,
      `<text x="${px(v).toFixed(1)}" y="${M.top + h + 16}" text-anchor="middle">${num(v)}</text>`);
  }
  const yTicks = o.logY ? Array.from({ length: y1 - y0 + 1 }, (_, i) => 10 ** (y0 + i)) : niceTicks(y0, y1);
  for (const v of yTicks) {
    out.push(`<line x1="${M.left - 4}" y1="${py(v).toFixed(1)}" x2="${M.left}" y2="${py(v).toFixed(1)}" stroke="#333"/>`,
      `<text x="${M.left - 6}" y="${(py(v) + 4).toFixed(1)}" text-anchor="end">${o.logY ? `1e${Math.round(Math.log10(v))}` : num(v)}</text>`);
  }
  out.push(`<text x="${M.left + w / 2}" y="${height - 10}" text-anchor="middle" font-size="12">${esc(o.xLabel)}</text>`,
    `<text transform="translate(16 ${M.top + h / 2}) rotate(-90)" text-anchor="middle" font-size="12">${esc(o.yLabel)}${o.logY ? ' (log scale)' : ''}</text>`);
  for (const s of o.series) {
    const pts = s.xs.map((x, i) => [x, s.ys[i]!] as const).filter(([, y]) => keep(y));
    if (s.kind === 'line') out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${pts.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ')}"/>`);
    else out.push(...pts.map(([x, y]) => `<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="${s.radius ?? 3}" fill="${s.color}"/>`));
  }
  // The legend goes in the corner with the fewest marks under it, on a white box.
  const boxW = Math.max(...o.series.map((s) => s.label.length)) * 6.5 + 40, boxH = 10 + 18 * o.series.length;
  const corners = [[M.left + 8, M.top + 8], [M.left + w - boxW - 8, M.top + 8], [M.left + 8, M.top + h - boxH - 8], [M.left + w - boxW - 8, M.top + h - boxH - 8]] as const;
  // Marks in pixels: points as they are, lines sampled every few pixels along each segment.
  const marks: [number, number][] = o.series.flatMap((s) => {
    const pts = s.xs.map((x, i) => [x, s.ys[i]!] as const).filter(([, y]) => keep(y)).map(([x, y]) => [px(x), py(y)] as [number, number]);
    if (s.kind === 'points') return pts;
    return pts.flatMap(([X, Y], i) => {
      const next = pts[i + 1];
      if (!next) return [[X, Y] as [number, number]];
      const n = Math.max(1, Math.ceil(Math.hypot(next[0] - X, next[1] - Y) / 4));
      return Array.from({ length: n }, (_, k) => [X + ((next[0] - X) * k) / n, Y + ((next[1] - Y) * k) / n] as [number, number]);
    });
  });
  const under = ([cx, cy]: readonly [number, number]) =>
    marks.filter(([X, Y]) => X >= cx - 6 && X <= cx + boxW + 6 && Y >= cy - 6 && Y <= cy + boxH + 6).length;
  const [lx, ly] = corners.reduce((best, c) => (under(c) < under(best) ? c : best));
  out.push(`<rect x="${lx}" y="${ly}" width="${boxW}" height="${boxH}" fill="white" fill-opacity="0.92" stroke="#bbb"/>`);
  o.series.forEach((s, i) => {
    const y = ly + 18 + 18 * i;
    out.push(s.kind === 'line'
      ? `<line x1="${lx + 8}" y1="${y - 4}" x2="${lx + 28}" y2="${y - 4}" stroke="${s.color}" stroke-width="2"/>`
      : `<rect x="${lx + 14}" y="${y - 8}" width="8" height="8" rx="4" fill="${s.color}"/>`,
    `<text x="${lx + 34}" y="${y}">${esc(s.label)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}

/** A loss curve on a log scale from [step, loss] pairs. */
export const lossCurveSvg = (losses: readonly (readonly [number, number])[], title?: string): string => plotSvg({
  series: [{ label: 'loss', color: '#d62728', kind: 'line', xs: losses.map(([s]) => s), ys: losses.map(([, l]) => l) }],
  xLabel: 'step', yLabel: 'loss', logY: true, ...(title ? { title } : {}),
});

/** Writes an SVG beside the example's build output (build/examples/NAME.svg) and returns its path. */
export function writeSvg(name: string, svg: string, path?: string): string {
  const file = path ?? new URL(`./${name}.svg`, import.meta.url).pathname;
  writeFileSync(file, svg);
  return file;
}
