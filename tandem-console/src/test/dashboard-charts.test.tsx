import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { Dashboard } from '../pages/Dashboard';
import { summarise, TimeChart } from '../pages/dashboard/TimeChart';
import type { ChartSummary } from '../pages/dashboard/types';
import { flows, summary } from './fixtures';
import { mockApi } from './fetchMock';

// ECharts draws on a canvas, which jsdom has not: the lazy chunk is replaced by a recorder of what the wrapper asks
// of it (init on its element, the option, resize, dispose). The text alternative is the wrapper's own.
const recorded = vi.hoisted(() => ({ inits: [] as HTMLElement[], options: [] as any[], disposed: 0, fail: false }));
vi.mock('../pages/dashboard/echartsSetup', () => ({
  get echarts() {
    if (recorded.fail) {
      throw new Error('chunk failed to load');
    }
    return {
      init: (el: HTMLElement) => {
        recorded.inits.push(el);
        return {
          setOption: (o: unknown) => recorded.options.push(o),
          resize: () => undefined,
          dispose: () => { recorded.disposed++; },
        };
      },
    };
  },
}));

beforeEach(() => {
  vi.unstubAllGlobals();
  recorded.inits = [];
  recorded.options = [];
  recorded.disposed = 0;
  recorded.fail = false;
});

const times = ['2026-12-01T10:00:00Z', '2026-12-01T10:05:00Z', '2026-12-01T10:10:00Z'];

describe('TimeChart', () => {
  it('hands ECharts the series on a time axis and disposes of the chart when it goes', async () => {
    const { unmount } = render(<TimeChart testId="c" title="Events per 5 minutes" unit="events" times={times}
      series={[{ name: 'Synced', values: [1, 4, 2] }, { name: 'Dead-lettered', values: [0, 1, 0], kind: 'bar' }]} />);
    await waitFor(() => expect(recorded.options).toHaveLength(1));
    expect(recorded.inits[0].getAttribute('role')).toBe('img');
    const option = recorded.options[0];
    expect(option.xAxis.type).toBe('time');
    expect(option.series.map((s: any) => [s.name, s.type])).toEqual([['Synced', 'line'], ['Dead-lettered', 'bar']]);
    expect(option.series[0].data).toEqual([[times[0], 1], [times[1], 4], [times[2], 2]]);
    expect(option.aria.enabled).toBe(true);
    unmount();
    expect(recorded.disposed).toBe(1);
  });

  it('has a text alternative: the summary as the image name and the numbers in a table', async () => {
    render(<TimeChart testId="c" title="Events per 5 minutes" unit="events" times={times}
      series={[{ name: 'Synced', values: [1, 4, 2] }]} />);
    const img = screen.getByRole('img');
    expect(img.getAttribute('aria-label')).toContain('Synced: 7 in total, most 4');
    const table = screen.getByTestId('c-table');
    expect(within(table).getAllByRole('row')).toHaveLength(4);
    expect(within(table).getAllByRole('cell').map((c) => c.textContent)).toEqual(['1', '4', '2']);
    await waitFor(() => expect(recorded.options).toHaveLength(1));
  });

  it('says so when the chart library cannot load, and still shows the numbers', async () => {
    recorded.fail = true;
    render(<TimeChart testId="c" title="Latency" unit="ms" times={times} series={[{ name: 'p95', values: [10, null, 250] }]}
      format={(v) => (v === null ? '–' : `${v} ms`)} />);
    expect((await screen.findByRole('alert')).textContent).toContain('chunk failed to load');
    expect(within(screen.getByTestId('c-table')).getAllByRole('cell').map((c) => c.textContent)).toEqual(['10 ms', '–', '250 ms']);
  });

  it('summarises latency by its highest and latest value and an empty period as such', () => {
    expect(summarise('Latency', times, [{ name: 'p95', values: [10, null, 250] }], 'ms', (v) => `${v} ms`))
      .toContain('p95: highest 250 ms');
    expect(summarise('Latency', [], [], 'ms')).toBe('Latency: no data in this period.');
  });
});

const withSeries: ChartSummary = {
  ...summary,
  overall: {
    ...summary.overall,
    series: times.map((at, i) => ({ at, eventsIn: 10 + i, synced: 9, skipped: 0, retried: i, deadLettered: 1, p50: 50, p95: 250, p99: i === 0 ? null : 500 })),
  },
  ingest: {
    sources: [
      { name: 'clarity.webhook', system: 'clarity', state: 'UP', message: '', lastEventAt: '2026-12-01T10:10:00Z', lagMs: 40, details: {} },
      { name: 'salesforce.cdc', system: 'salesforce', state: 'DEGRADED', message: 'reconnecting', lastEventAt: null, lagMs: null,
        details: { '/data/ContactChangeEvent': 'RECONNECTING' } },
    ],
    series: { clarity: times.map((at) => ({ at, received: 3, maxLagMs: 40, avgLagMs: 20 })) },
  },
  salesforceApi: { ...summary.salesforceApi, budget: { used: 1234, max: 15000, percent: 8.2 } },
};

describe('Dashboard charts', () => {
  it('draws events, latency and lag, shows the API budget and the sources, and follows the period selector', async () => {
    const calls = mockApi({
      'GET /metrics/summary': { body: withSeries },
      'GET /flows': { body: { items: flows } },
      'GET /retries': { body: { items: [], total: 0 } },
    });
    render(<Dashboard />);
    const events = await screen.findByTestId('chart-events');
    expect(within(events).getByRole('img').getAttribute('aria-label')).toContain('Events in: 33 in total');
    expect(screen.getByTestId('chart-latency-summary').textContent).toContain('p99: highest 500 ms');
    expect(screen.getByTestId('chart-lag')).toBeTruthy();
    expect(screen.getByTestId('api-budget').textContent).toContain('1,234 of 15,000 (8.2 %)');
    expect(screen.getByRole('meter', { name: 'Salesforce API requests used today' })).toBeTruthy();
    const cdc = screen.getByTestId('source-salesforce.cdc');
    expect(cdc.textContent).toContain('DEGRADED');
    expect(cdc.textContent).toContain('/data/ContactChangeEvent: RECONNECTING');
    expect(calls.some((c) => c.path === '/metrics/summary?window=1h&bucket=5m')).toBe(true);
    await waitFor(() => expect(recorded.options.length).toBeGreaterThanOrEqual(3));

    await userEvent.selectOptions(screen.getByLabelText('Period'), 'week');
    await waitFor(() => expect(calls.some((c) => c.path === '/metrics/summary?window=7d&bucket=1h')).toBe(true));
    expect(await screen.findByText('Synced (7 d)')).toBeTruthy();
  });

  it('keeps working against a server without series (no charts, a note) and says when the budget is unknown', async () => {
    mockApi({
      'GET /metrics/summary': { body: summary },
      'GET /flows': { body: { items: flows } },
      'GET /retries': { body: { items: [], total: 0 } },
    });
    render(<Dashboard />);
    expect(await screen.findByText(/does not report time series/)).toBeTruthy();
    expect(screen.getByTestId('api-budget').textContent).toContain('not known');
    expect(screen.queryByRole('img')).toBeNull();
  });
});
