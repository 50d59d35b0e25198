import { useEffect, useRef, useState, type PointerEvent } from 'react';
import { labelIndexes, layoutChart } from './scale';
import './charts.css';

export interface LineSeries {
  name: string;
  values: readonly number[];
}

interface LineChartProps {
  /** What the chart shows, e.g. "Impressions per day": the SVG's label and the table's caption. */
  label: string;
  /** One x position per day (YYYY-MM-DD), oldest first. */
  dates: readonly string[];
  series: readonly LineSeries[];
  /** How a value reads (counts, percentages, seconds). */
  format: (value: number) => string;
  height?: number;
}

/** Distinct at a glance and against white (each at least 4.5:1), with a dash pattern as a second cue. */
const COLORS = ['#e60023', '#0061d1', '#0a6b2d', '#7a3cb8', '#6b4800'];
const DASHES = ['', '6 4', '2 3', '10 4 2 4', '1 5'];
const MARGIN = { top: 12, right: 16, bottom: 28, left: 56 };

/** Short day labels: "Mar 5". */
function shortDate(day: string): string {
  const [, month, date] = day.split('-');
  const names = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  return `${names[Number(month) - 1] ?? month} ${Number(date)}`;
}

/** The width the chart has to draw in, followed as the window changes. */
function useWidth(fallback: number) {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const measure = () => setWidth(Math.max(240, Math.floor(element.getBoundingClientRect().width)));
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return { ref, width };
}

/**
 * A small line chart in SVG: y axis from 0 with nice ticks, day labels that fit, one line per
 * series, each point titled with its value (and a tooltip on hover). Screen readers get the
 * label and a visually hidden table of every value.
 */
export function LineChart({ label, dates, series, format, height = 260 }: LineChartProps) {
  const { ref, width } = useWidth(640);
  const [active, setActive] = useState<number | null>(null);
  const layout = layoutChart(series, { width, height, ...MARGIN });
  const maxLabels = Math.max(2, Math.floor((width - MARGIN.left - MARGIN.right) / 64));
  const xLabels = labelIndexes(dates.length, maxLabels);
  const plotBottom = height - MARGIN.bottom;

  const onPointerMove = (event: PointerEvent<SVGSVGElement>) => {
    if (dates.length === 0) return;
    const box = event.currentTarget.getBoundingClientRect();
    const x = ((event.clientX - box.left) / box.width) * width;
    const span = width - MARGIN.left - MARGIN.right;
    const index = Math.round(((x - MARGIN.left) / span) * (dates.length - 1));
    setActive(Math.min(dates.length - 1, Math.max(0, index)));
  };

  const activeX = active !== null ? layout.xOf(active) : null;
  return (
    <figure className="line-chart" ref={ref}>
      {series.length > 1 && (
        <ul className="chart-legend" aria-hidden="true">
          {series.map((s, i) => (
            <li key={s.name}>
              <svg width="28" height="10" focusable="false">
                <line
                  x1="0"
                  y1="5"
                  x2="28"
                  y2="5"
                  stroke={COLORS[i % COLORS.length]}
                  strokeWidth="3"
                  strokeDasharray={DASHES[i % DASHES.length]}
                />
              </svg>
              {s.name}
            </li>
          ))}
        </ul>
      )}
      <div className="chart-frame">
        <svg
          role="img"
          aria-label={label}
          width={width}
          height={height}
          viewBox={`0 0 ${width} ${height}`}
          onPointerMove={onPointerMove}
          onPointerLeave={() => setActive(null)}
        >
          <g className="chart-grid">
            {layout.yTicks.map((tick) => (
              <g key={tick.value}>
                <line x1={MARGIN.left} x2={width - MARGIN.right} y1={tick.y} y2={tick.y} />
                <text x={MARGIN.left - 8} y={tick.y} dy="0.32em" textAnchor="end">
                  {format(tick.value)}
                </text>
              </g>
            ))}
          </g>
          <g className="chart-x-axis">
            <line x1={MARGIN.left} x2={width - MARGIN.right} y1={plotBottom} y2={plotBottom} />
            {xLabels.map((index) => (
              <text
                key={index}
                x={layout.xOf(index)}
                y={plotBottom + 18}
                textAnchor={
                  dates.length > 1 && index === 0
                    ? 'start'
                    : index === dates.length - 1 && index > 0
                      ? 'end'
                      : 'middle'
                }
              >
                {shortDate(dates[index]!)}
              </text>
            ))}
          </g>
          {activeX !== null && (
            <line className="chart-cursor" x1={activeX} x2={activeX} y1={MARGIN.top} y2={plotBottom} />
          )}
          {layout.series.map((s, i) => (
            <g key={s.name} className="chart-series" data-series={s.name}>
              <path
                d={s.path}
                fill="none"
                stroke={COLORS[i % COLORS.length]}
                strokeWidth="2.5"
                strokeDasharray={DASHES[i % DASHES.length]}
              />
              {s.points.map((point) => (
                <circle
                  key={point.index}
                  cx={point.x}
                  cy={point.y}
                  r={active === point.index ? 5 : dates.length > 45 ? 2 : 3.5}
                  fill={COLORS[i % COLORS.length]}
                  data-date={dates[point.index]}
                  data-value={point.value}
                >
                  <title>{`${s.name}, ${dates[point.index]}: ${format(point.value)}`}</title>
                </circle>
              ))}
            </g>
          ))}
        </svg>
        {active !== null && activeX !== null && (
          <div
            className="chart-tooltip"
            aria-hidden="true"
            style={{
              left: `${Math.min(Math.max(activeX, 70), width - 70)}px`,
            }}
          >
            <strong>{dates[active]}</strong>
            {series.map((s) => (
              <span key={s.name}>
                {series.length > 1 ? `${s.name}: ` : ''}
                {format(s.values[active] ?? 0)}
              </span>
            ))}
          </div>
        )}
      </div>
      {/* Wrapped: a table is never narrower than its content, so it cannot be the 1 px box itself. */}
      <div className="visually-hidden">
        <table>
          <caption>{label}</caption>
          <thead>
            <tr>
              <th scope="col">Date</th>
              {series.map((s) => (
                <th key={s.name} scope="col">
                  {s.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {dates.map((date, index) => (
              <tr key={date}>
                <th scope="row">{date}</th>
                {series.map((s) => (
                  <td key={s.name}>{format(s.values[index] ?? 0)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
