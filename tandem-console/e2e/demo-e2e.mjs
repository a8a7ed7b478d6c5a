// End-to-end test of the dashboard's charts and the guided Demo page in a real headless Chromium, against a running
// `tandem demo` (started by tandem-server's DemoBrowserTest), with these environment variables:
//   TANDEM_URL       the server, e.g. http://127.0.0.1:41234
//   OPERATOR_TOKEN   the operator token `tandem demo` printed
//   SCREENSHOTS      where to write the PNGs (dashboard-charts.png, demo.png, demo-broken.png)
//   CHROMIUM         the browser (default /usr/bin/chromium)
// Prints {"ok":true,"results":{...,"orderKey":…,"brokenOrderKey":…,"timedOutOrderKey":…}}: the Java test then checks each order is in
// the Salesforce sandbox exactly once.
import { join } from 'node:path';
import { axe, check, env, results, run, screenshotsDir, signIn } from './lib.mjs';

const base = env('TANDEM_URL');
const operatorToken = env('OPERATOR_TOKEN');
const shots = screenshotsDir();

const trackedOutcome = (page) => page.getByTestId('tracked').getAttribute('data-outcome');

await run('demo', async (browser, shared) => {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = shared.page = await context.newPage();
  const consoleErrors = [];
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  await signIn(page, base, operatorToken);

  // Dashboard: the charts are drawn (ECharts' canvas, from its lazy chunk) and their text alternative has numbers.
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  await page.locator('[data-testid="chart-events"] canvas').first().waitFor({ timeout: 30000 });
  await page.waitForFunction(() => {
    const s = document.querySelector('[data-testid="chart-events-summary"]')?.textContent ?? '';
    const m = /Synced: ([\d,]+) in total/.exec(s);
    return m && Number(m[1].replace(/,/g, '')) > 0;
  }, null, { timeout: 30000 });
  const summary = await page.getByTestId('chart-events-summary').textContent();
  results.eventsChartSummary = summary;
  check(/Events in: [1-9][\d,]* in total/.test(summary), 'events chart: events in counted');
  await page.getByText('Events per 5 minutes: the numbers').click();
  const cells = await page.locator('[data-testid="chart-events-table"] td').allTextContents();
  check(cells.some((c) => Number(c.replace(/,/g, '')) > 0), 'events table has numbers');
  check(await page.locator('[data-testid="chart-latency"] canvas').count() > 0, 'latency chart drawn');
  check((await page.getByTestId('source-clarity.webhook').textContent()).includes('UP'), 'webhook source UP');
  check((await page.getByTestId('api-budget').textContent()).includes(' of '), 'API budget shown');
  await page.screenshot({ path: join(shots, 'dashboard-charts.png'), fullPage: true });
  await axe(page, 'dashboard with charts');
  await page.getByLabel('Period').selectOption('week');
  await page.getByText('Synced (7 d)').waitFor();
  await page.locator('[data-testid="chart-events"] canvas').first().waitFor();

  // The Demo page, from the navigation (shown because this is `tandem demo`).
  await page.getByRole('link', { name: 'Demo' }).click();
  await page.getByRole('heading', { name: 'Guided demo' }).waitFor();
  for (const t of ['Customer 360', 'Order to cash', 'Products & inventory', 'Error handling']) {
    check(await page.getByRole('heading', { name: t }).isVisible(), `touchpoint ${t}`);
  }

  // Order to cash: the button makes an order in Clarity; the page follows it until Salesforce has it.
  const ordersBefore = Number(await page.getByTestId('salesforce-orders').textContent());
  await page.getByRole('button', { name: 'Create an order', exact: true }).click();
  await page.getByTestId('tracked').waitFor();
  const orderKey = await page.getByTestId('tracked').getAttribute('data-key');
  results.orderKey = orderKey;
  await page.waitForFunction(() => document.querySelector('[data-testid="tracked"]')?.getAttribute('data-outcome') === 'synced',
    null, { timeout: 30000 });
  const row = page.locator(`[data-testid="demo-events"] tr[data-key="${orderKey}"]`).first();
  check((await row.textContent()).includes('Clarity → Salesforce'), 'the order row says Clarity → Salesforce');
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid="salesforce-orders"]')?.textContent) > n,
    ordersBefore, { timeout: 10000 });
  check(true, 'Salesforce order count went up');
  await axe(page, 'demo');

  // Products & inventory: a product added in Clarity is followed until Tandem synced it (the Java test finds it in
  // Salesforce); then its price changes.
  await page.getByRole('button', { name: 'Add a product in Clarity' }).click();
  await page.waitForFunction((k) => document.querySelector('[data-testid="tracked"]')?.getAttribute('data-key') !== k,
    orderKey, { timeout: 10000 });
  results.productKey = await page.getByTestId('tracked').getAttribute('data-key');
  check(results.productKey.startsWith('DEMO-P-'), 'the page follows the product added');
  await page.waitForFunction(() => document.querySelector('[data-testid="tracked"]')?.getAttribute('data-outcome') === 'synced',
    null, { timeout: 30000 });
  await page.getByRole('button', { name: 'Change a price in Clarity' }).click();
  await page.getByTestId('action-result').filter({ hasText: `The price of ${results.productKey} changed to` }).waitFor();
  results.newPrice = (await page.getByTestId('action-result').textContent()).match(/changed to ([0-9.]+)/)[1];

  // Error handling: Salesforce broken for 15 s; an order made meanwhile is retried, then synced when it heals.
  await page.getByLabel('How long Salesforce stays broken').selectOption('15');
  await page.getByRole('button', { name: 'Break Salesforce for a minute' }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid="salesforce-state"]')?.getAttribute('data-state') === 'broken',
    null, { timeout: 10000 });
  await page.getByRole('button', { name: 'Create an order', exact: true }).click();
  await page.waitForFunction((k) => document.querySelector('[data-testid="tracked"]')?.getAttribute('data-key') !== k,
    results.productKey, { timeout: 10000 });
  const brokenOrderKey = await page.getByTestId('tracked').getAttribute('data-key');
  results.brokenOrderKey = brokenOrderKey;
  // "Retries": the record is retrying, or Tandem paused the flow after the failed attempt and retries are due.
  await page.waitForFunction(() => {
    const outcome = document.querySelector('[data-testid="tracked"]')?.getAttribute('data-outcome');
    const due = Number(document.querySelector('[data-testid="retries-pending"]')?.textContent ?? '0');
    return outcome === 'retrying' || (document.querySelector('[data-testid="paused-flows"]') && due > 0);
  }, null, { timeout: 20000 });
  results.duringOutage = {
    outcome: await trackedOutcome(page),
    retriesPending: await page.getByTestId('retries-pending').textContent(),
    paused: await page.getByTestId('paused-flows').count() > 0 ? await page.getByTestId('paused-flows').textContent() : '',
  };
  check(await page.getByTestId('tracked').getAttribute('data-outcome') !== 'synced', 'not synced while Salesforce is broken');
  await page.screenshot({ path: join(shots, 'demo-broken.png'), fullPage: true });
  await axe(page, 'demo while Salesforce is broken');
  // Recovery: it heals by itself, Tandem resumes, the order lands.
  await page.waitForFunction(() => document.querySelector('[data-testid="salesforce-state"]')?.getAttribute('data-state') !== 'broken',
    null, { timeout: 30000 });
  await page.waitForFunction(() => document.querySelector('[data-testid="tracked"]')?.getAttribute('data-outcome') === 'synced',
    null, { timeout: 90000 });
  await page.waitForFunction(() => document.querySelector('[data-testid="salesforce-state"]')?.getAttribute('data-state') === 'healthy',
    null, { timeout: 60000 });
  check(true, 'recovered: the order made during the outage is synced and Salesforce is healthy');

  // The second failure mode: Salesforce holds every answer past Tandem's timeout; an order made meanwhile times
  // out and is retried; "Heal Salesforce now" ends it and the order lands.
  await page.getByLabel('How long Salesforce times out').selectOption('300');
  await page.getByRole('button', { name: 'Make Salesforce time out for a minute' }).click();
  await page.waitForFunction(() => {
    const s = document.querySelector('[data-testid="salesforce-state"]');
    return s?.getAttribute('data-state') === 'broken' && s.textContent.startsWith('timing out');
  }, null, { timeout: 10000 });
  results.timingOut = await page.getByTestId('salesforce-state').textContent();
  await page.getByRole('button', { name: 'Create an order', exact: true }).click();
  await page.waitForFunction((k) => document.querySelector('[data-testid="tracked"]')?.getAttribute('data-key') !== k,
    brokenOrderKey, { timeout: 10000 });
  const timedOutOrderKey = await page.getByTestId('tracked').getAttribute('data-key');
  results.timedOutOrderKey = timedOutOrderKey;
  await page.waitForFunction(() => {
    const outcome = document.querySelector('[data-testid="tracked"]')?.getAttribute('data-outcome');
    const due = Number(document.querySelector('[data-testid="retries-pending"]')?.textContent ?? '0');
    return outcome === 'retrying' || due > 0;
  }, null, { timeout: 40000 });
  check(await page.getByTestId('tracked').getAttribute('data-outcome') !== 'synced', 'not synced while Salesforce times out');
  await axe(page, 'demo while Salesforce times out');
  await page.getByRole('button', { name: 'Heal Salesforce now' }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid="tracked"]')?.getAttribute('data-outcome') === 'synced',
    null, { timeout: 90000 });
  await page.waitForFunction(() => document.querySelector('[data-testid="salesforce-state"]')?.getAttribute('data-state') === 'healthy',
    null, { timeout: 60000 });
  check(true, 'recovered from the time-outs: the order made meanwhile is synced');
  await page.screenshot({ path: join(shots, 'demo.png'), fullPage: true });
  await axe(page, 'demo after recovery');
  // The one expected: the sign-in page's probe of GET /session before signing in answers 401.
  const unexpected = consoleErrors.filter((e) => !/status of 401 \(Unauthorized\)/.test(e));
  check(consoleErrors.length - unexpected.length <= 1 && unexpected.length === 0,
    `no browser console errors but the sign-in page's 401 (${consoleErrors.join(' | ')})`);
});
