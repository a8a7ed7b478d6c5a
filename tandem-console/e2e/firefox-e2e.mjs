// The console in Firefox (issue 12 item 9: "works in Chromium and Firefox"): Debian's firefox-esr driven through
// WebDriver BiDi by puppeteer-core (playwright-core drives only Playwright's own patched Firefox builds, which would
// be a download). Started by tandem-server's FirefoxBrowserTest against a running `tandem demo`, with:
//   TANDEM_URL, OPERATOR_TOKEN, DEAD_LETTER_ID (an open dead letter), CUSTOMER_KEY (a record for the timeline),
//   SCREENSHOTS, FIREFOX (default /usr/bin/firefox-esr).
// Signs in, opens every page and waits for its content, pauses and resumes a flow (a state-changing call with the
// CSRF header), signs out; fails on any script error in the page. Prints {"ok":true,...} or exits 1.
import puppeteer from 'puppeteer-core';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const env = (name) => {
  const v = process.env[name];
  if (!v) {
    console.error(`firefox-e2e: ${name} is not set`);
    process.exit(2);
  }
  return v;
};
const base = env('TANDEM_URL');
const token = env('OPERATOR_TOKEN');
const deadLetterId = env('DEAD_LETTER_ID');
const customerKey = env('CUSTOMER_KEY');
const shots = env('SCREENSHOTS');
const executablePath = process.env.FIREFOX ?? '/usr/bin/firefox-esr';
if (!existsSync(executablePath)) {
  console.error(`firefox-e2e: no Firefox at ${executablePath}: install it with \`apt-get install firefox-esr\``);
  process.exit(3);
}
mkdirSync(shots, { recursive: true });

const results = {};
const check = (ok, what) => {
  if (!ok) {
    throw new Error(`check failed: ${what}`);
  }
  results[what] = true;
};
const FLOW = 'clarity-order-to-salesforce';

const browser = await puppeteer.launch({ browser: 'firefox', executablePath, headless: true });
let page;
try {
  page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 900 });
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));

  const h1 = async (text) => page.waitForFunction((t) => {
    const h = document.querySelector('h1');
    return h !== null && h.textContent.includes(t);
  }, { timeout: 30000 }, text);

  await page.goto(`${base}/`);
  await page.waitForSelector('#token');
  await page.type('#token', token);
  await page.keyboard.press('Enter');
  await h1('Dashboard');
  await page.waitForFunction(() => {
    const v = document.querySelector('[data-testid="card-synced"] .value');
    return v && Number(v.textContent.replace(/[^0-9]/g, '')) > 0;
  }, { timeout: 30000 });
  check(true, 'dashboard counts synced orders');
  await page.screenshot({ path: join(shots, 'firefox-dashboard.png') });

  const pages = [
    ['/flows', 'Flows', null],
    ['/errors', 'Errors', `[data-testid="dead-letter-${deadLetterId}"]`],
    [`/errors/${deadLetterId}`, `Dead letter ${deadLetterId}`, '[data-testid="dl-state"]'],
    [`/timeline?key=${encodeURIComponent(customerKey)}`, 'Record timeline', 'li, [role="status"]'],
    ['/alerts', 'Alerts', null],
    ['/demo', 'Guided demo', 'button'],
    [`/flows/${FLOW}/design`, `Flow designer: ${FLOW}`, '.react-flow__node'],
    [`/flows/${FLOW}/mapping`, `Mapping of ${FLOW}`, 'svg, [data-testid]'],
  ];
  for (const [path, heading, content] of pages) {
    await page.goto(`${base}${path}`);
    await h1(heading);
    if (content) {
      await page.waitForSelector(content, { timeout: 30000 });
    }
    check(true, `${path} renders in Firefox`);
    if (path.endsWith('/design')) {
      // The canvas by keyboard: a step's node focused and Enter selects it (its form opens), as in Chromium.
      await page.evaluate(() => document.querySelectorAll('.react-flow__node')[1].focus());
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => (document.querySelector('[data-testid="form-title"]')?.textContent ?? '')
        .includes('step 1'), { timeout: 15000 });
      check(true, 'a canvas node selected with Enter in Firefox');
    }
  }
  await page.screenshot({ path: join(shots, 'firefox-mapping.png') });

  // A state-changing call from Firefox: pause the flow, then resume it (session cookie + CSRF header).
  await page.goto(`${base}/flows`);
  await h1('Flows');
  const clickButton = async (text) => {
    await page.waitForFunction((t) => [...document.querySelectorAll('button')].some((b) => b.textContent.trim() === t
      && !b.disabled), { timeout: 30000 }, text);
    await page.evaluate((t) => [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === t).click(), text);
  };
  await clickButton(`Pause ${FLOW}`);
  await clickButton(`Resume ${FLOW}`);
  await page.waitForFunction((t) => [...document.querySelectorAll('button')].some((b) => b.textContent.trim() === t),
    { timeout: 30000 }, `Pause ${FLOW}`);
  check(true, 'paused and resumed a flow in Firefox');
  await page.screenshot({ path: join(shots, 'firefox-flows.png') });

  await clickButton('Sign out');
  await page.waitForFunction(() => document.body.textContent.includes('Signed out.'), { timeout: 30000 });
  const after = await page.evaluate(async () => (await fetch('/api/v1/flows')).status);
  check(after === 401, 'signed out: the API answers 401');
  check(pageErrors.length === 0, `no script errors in the page (${pageErrors.join(' | ')})`);
  results.browser = await browser.version();
  console.log(JSON.stringify({ ok: true, results }));
} catch (e) {
  console.error(`firefox-e2e: ${e instanceof Error ? e.stack : e}`);
  if (page) {
    await page.screenshot({ path: join(shots, 'firefox-failure.png') }).catch(() => {});
  }
  process.exitCode = 1;
} finally {
  await browser.close();
}
