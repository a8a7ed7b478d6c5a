// A time-series chart drawn by Apache ECharts (loaded lazily, on the first chart shown) with its text alternative:
// a one-sentence summary as the figure's accessible name and caption, and the numbers as a table under a
// disclosure, so screen-reader and keyboard users get what the canvas shows (WCAG 2.2 SC 1.1.1,
// https://www.w3.org/WAI/WCAG22/Understanding/non-text-content.html).
import { useEffect, useRef, useState } from 'react';
import { message } from '../../api';

export interface ChartSeries {
  name: string;
  values: (number | null)[];
  kind?: 'line' | 'bar';
  color?: string;
}

export interface TimeChartProps {
  /** The chart's title, e.g. "Events per 5 minutes". */
  title: string;
  /** Bucket starts (ISO 8601), one per value of each series. */
  times: string[];
  series: ChartSeries[];
  /** The values' unit in words, e.g. "events" or "ms". */
  unit: string;
  testId: string;
  /** How a value reads in the summary and the table (default: grouped digits, "–" for none). */
  format?: (v: number | null) => string;
}

type EChartsModule = typeof import('./echartsSetup');
type Instance = ReturnType<EChartsModule['echarts']['init']>;

let loading: Promise<EChartsModule> | null = null;

/** The ECharts chunk, loaded once for all charts. */
export function loadECharts(): Promise<EChartsModule> {
  loading ??= import('./echartsSetup').catch((e) => {
    loading = null;
    throw e;
  });
  return loading;
}

const plain = (v: number | null) => (v === null || v === undefined ? '–' : v.toLocaleString());

function label(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/** "events in: 45 in total, most 12 (at 10:05); synced: …" — what the chart shows, in one sentence. */
export function summarise(title: string, times: string[], series: ChartSeries[], unit: string,
  format: (v: number | null) => string = plain): string {
  if (times.length === 0) {
    return `${title}: no data in this period.`;
  }
  const parts = series.map((s) => {
    const present = s.values.map((v, i) => [v, i] as const).filter(([v]) => v !== null) as [number, number][];
    if (present.length === 0) {
      return `${s.name}: none`;
    }
    const [max, at] = present.reduce((a, b) => (b[0] > a[0] ? b : a));
    const total = present.reduce((n, [v]) => n + v, 0);
    return unit === 'ms'
      ? `${s.name}: highest ${format(max)} (${label(times[at])}), latest ${format(present[present.length - 1][0])}`
      : `${s.name}: ${format(total)} in total, most ${format(max)} (${label(times[at])})`;
  });
  return `${title}, ${label(times[0])} to ${label(times[times.length - 1])} (${unit}). ${parts.join('; ')}.`;
}

export function TimeChart({ title, times, series, unit, testId, format = plain }: TimeChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<Instance | null>(null);
  const [error, setError] = useState<unknown>(null);
  const summary = summarise(title, times, series, unit, format);

  useEffect(() => {
    let alive = true;
    loadECharts().then(({ echarts }) => {
      if (!alive || !box.current) {
        return;
      }
      chart.current ??= echarts.init(box.current, undefined, { renderer: 'canvas' });
      chart.current.setOption({
        aria: { enabled: true, label: { description: summary } },
        animation: false,
        tooltip: { trigger: 'axis' },
        legend: { bottom: 0 },
        grid: { left: 52, right: 16, top: 28, bottom: 56 },
        xAxis: { type: 'time', axisLabel: { hideOverlap: true } },
        yAxis: { type: 'value', name: unit, minInterval: unit === 'ms' ? undefined : 1 },
        series: series.map((s) => ({
          name: s.name,
          type: s.kind ?? 'line',
          // A bucket alone between empty ones is a point, not a line: draw the points.
          showSymbol: true,
          symbolSize: 4,
          connectNulls: false,
          itemStyle: s.color ? { color: s.color } : undefined,
          data: times.map((t, i) => [t, s.values[i]]),
        })),
      }, { notMerge: true });
      setError(null);
    }).catch((e) => {
      // The chunk did not load (offline, a new deployment) or ECharts refused the element: say so.
      if (alive) {
        setError(e);
      }
    });
    return () => {
      alive = false;
    };
  }, [times, series, unit, summary]);

  useEffect(() => {
    const resize = () => chart.current?.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.current?.dispose();
      chart.current = null;
    };
  }, []);

  return (
    <figure className="chart" data-testid={testId}>
      <figcaption>
        <strong>{title}</strong>
      </figcaption>
      {error ? (
        <p className="error" role="alert">The chart cannot be drawn ({message(error)}); the numbers are in the table below.</p>
      ) : null}
      <div ref={box} className="chart-canvas" role="img" aria-label={summary} />
      <p className="sr-only" data-testid={`${testId}-summary`}>{summary}</p>
      <details>
        <summary>{title}: the numbers</summary>
        {/* A scrolling region is focusable, so keyboard users can scroll it (axe: scrollable-region-focusable). */}
        <div className="chart-table" tabIndex={0} role="region" aria-label={`${title}: the numbers`}>
        <table data-testid={`${testId}-table`}>
          <caption className="sr-only">{title} ({unit})</caption>
          <thead>
            <tr>
              <th scope="col">Time</th>
              {series.map((s) => <th scope="col" key={s.name}>{s.name}</th>)}
            </tr>
          </thead>
          <tbody>
            {times.map((t, i) => (
              <tr key={t}>
                <th scope="row">{label(t)}</th>
                {series.map((s) => <td key={s.name}>{format(s.values[i] ?? null)}</td>)}
              </tr>
            ))}
          </tbody>
        </table>
        </div>
      </details>
    </figure>
  );
}
