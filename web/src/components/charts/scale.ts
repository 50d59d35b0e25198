/**
 * The arithmetic of the line chart, kept pure so it can be tested: a linear scale, "nice"
 * axis ticks (1, 2 or 5 times a power of ten), where each point goes, and which x labels fit.
 */

export type Scale = (value: number) => number;

/** Maps [d0, d1] onto [r0, r1]; a domain of one value maps to the middle of the range. */
export function linearScale([d0, d1]: readonly [number, number], [r0, r1]: readonly [number, number]): Scale {
  if (d1 === d0) return () => (r0 + r1) / 2;
  const k = (r1 - r0) / (d1 - d0);
  return (value) => r0 + (value - d0) * k;
}

/** A step of 1, 2, 5 or 10 times a power of ten, close to `span / count`. */
export function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * power;
}

/**
 * Ticks for a y axis starting at 0 (counts and rates are never negative) and reaching at
 * least `max`, about `count` of them. Nothing to show (max 0) still gives an axis of 0 to 1.
 */
export function niceTicks(max: number, count = 4): number[] {
  const top = max > 0 && Number.isFinite(max) ? max : 1;
  const step = niceStep(top, count);
  const ticks: number[] = [];
  const n = Math.ceil(top / step - 1e-9);
  // Rounded to the step's precision, so 0.1 + 0.2 shows as 0.3.
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  for (let i = 0; i <= n; i++) ticks.push(Number((i * step).toFixed(digits)));
  return ticks;
}

/** At most `max` evenly spread indexes of `count` items, the first and the last included. */
export function labelIndexes(count: number, max: number): number[] {
  if (count <= 0) return [];
  if (count <= max) return Array.from({ length: count }, (_, i) => i);
  if (max <= 1) return [0];
  const every = Math.ceil((count - 1) / (max - 1));
  const indexes: number[] = [];
  for (let i = 0; i < count - 1; i += every) indexes.push(i);
  // The last day always gets its label; one closer to it than the step gives way.
  if (indexes.length > 1 && count - 1 - indexes[indexes.length - 1]! < every) indexes.pop();
  indexes.push(count - 1);
  return indexes;
}

export interface PlotArea {
  width: number;
  height: number;
  top: number;
  right: number;
  bottom: number;
  left: number;
}

export interface PlottedSeries {
  name: string;
  points: Array<{ x: number; y: number; value: number; index: number }>;
  /** SVG path data joining the points. */
  path: string;
}

export interface ChartLayout {
  yTicks: Array<{ value: number; y: number }>;
  xOf: Scale;
  series: PlottedSeries[];
}

/** Where every point of every series goes in the plot area (y grows downwards in SVG). */
export function layoutChart(
  series: ReadonlyArray<{ name: string; values: readonly number[] }>,
  area: PlotArea,
): ChartLayout {
  const count = Math.max(0, ...series.map((s) => s.values.length));
  const max = Math.max(0, ...series.flatMap((s) => s.values.filter(Number.isFinite)));
  const ticks = niceTicks(max);
  const yOf = linearScale([0, ticks[ticks.length - 1]!], [area.height - area.bottom, area.top]);
  const xOf = linearScale([0, Math.max(1, count - 1)], [area.left, area.width - area.right]);
  const round = (n: number) => Math.round(n * 100) / 100;
  return {
    yTicks: ticks.map((value) => ({ value, y: round(yOf(value)) })),
    xOf: (index) => round(count === 1 ? (area.left + area.width - area.right) / 2 : xOf(index)),
    series: series.map((s) => {
      const points = s.values.map((value, index) => ({
        index,
        value,
        x: round(count === 1 ? (area.left + area.width - area.right) / 2 : xOf(index)),
        y: round(yOf(value)),
      }));
      return {
        name: s.name,
        points,
        path: points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x} ${p.y}`).join(' '),
      };
    }),
  };
}
