// The Lookup tables panel in a real headless Chromium (Debian's /usr/bin/chromium through playwright-core), started
// by tandem-server's LookupTablesBrowserTest against a running `tandem demo` whose flows.dir holds a copy of the
// order flow with a CSV lookup table `channels` (its mapping reads $lookup('channels', 'web', 'label')), with:
//   TANDEM_URL      the server, e.g. http://127.0.0.1:41234
//   ADMIN_TOKEN     an admin token (saving a table is for admins)
//   OPERATOR_TOKEN  an operator token
//   SCREENSHOTS     where to write the PNGs (lookup-tables.png)
//   CHROMIUM        the browser (default /usr/bin/chromium)
// An admin opens the order flow's mapping, edits the web row's label to "Online order" and saves (the panel sends a
// dry run, then the PUT); the table shows the new value after the reload, and the live preview runs again by itself
// with it (it showed the old one before). An operator sees the table read-only
// with the new value. axe-core on the panel while editing. The Java test checks the file, a preview and Salesforce.
import { join } from 'node:path';
import { axe, check, env, results, run, screenshotsDir, signIn } from './lib.mjs';

const base = env('TANDEM_URL');
const adminToken = env('ADMIN_TOKEN');
const operatorToken = env('OPERATOR_TOKEN');
const shots = screenshotsDir();
const FLOW = 'clarity-order-to-salesforce';

await run('lookups', async (browser, shared) => {
  const context = await browser.newContext({ viewport: { width: 1500, height: 1000 } });
  const page = shared.page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const puts = [];
  page.on('request', (r) => {
    if (r.method() === 'PUT' && r.url().includes('/lookups/')) {
      puts.push(new URL(r.url()).pathname + new URL(r.url()).search);
    }
  });

  await signIn(page, base, adminToken, `/flows/${FLOW}/mapping`);
  const table = page.getByTestId('lookup-channels');
  await table.waitFor({ timeout: 30000 });
  await table.scrollIntoViewIfNeeded();
  check((await table.textContent()).includes('Web order'), 'the table shows its rows');
  check((await table.getByRole('columnheader').allTextContents()).join('|') === 'channel (key)|label',
    'the key column is marked');

  // The live preview runs the mapping with the table as the flow has it now.
  const preview = page.getByTestId('preview-result');
  await page.waitForFunction(() => document.querySelector('[data-testid="preview-result"]')?.textContent
    .includes('"Description": "Web order '), null, { timeout: 30000 });
  await page.getByRole('button', { name: 'Edit channels' }).click();
  const cell = page.getByLabel('channels row 1 label');
  check(await cell.inputValue() === 'Web order', 'the cell is an input holding its value');
  await cell.fill('Online order');
  await axe(page, 'lookup tables panel, editing');
  await page.getByRole('button', { name: 'Save channels' }).click();
  const notice = page.getByTestId('lookup-tables-notice');
  await notice.waitFor({ timeout: 15000 });
  results.saved = await notice.textContent();
  check(results.saved.startsWith('Saved channels into ') && results.saved.includes('order-channels.csv'),
    'saved into the table file');
  check(puts.length === 2 && puts[0].endsWith('/lookups/channels?dryRun=true') && puts[1].endsWith('/lookups/channels'),
    `a dry run, then the save: ${puts.join(', ')}`);
  // Read again after the save: the new value, read-only until Edit again.
  await page.waitForFunction(() => {
    const el = document.querySelector('[data-testid="lookup-channels"]');
    return el && el.textContent.includes('Online order') && !el.querySelector('input');
  }, null, { timeout: 15000 });
  // The preview ran again by itself, with the saved table: no reload, no edit of the mapping needed.
  await page.waitForFunction(() => document.querySelector('[data-testid="preview-result"]')?.textContent
    .includes('"Description": "Online order '), null, { timeout: 30000 });
  check(!(await preview.textContent()).includes('Web order'), 'the preview shows the saved value only');
  await table.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(shots, 'lookup-tables.png'), fullPage: true });
  check(errors.length === 0, `no page errors ${errors.join('; ')}`);

  // An operator sees the table, with the saved value, and nothing to edit it with.
  const operatorContext = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const operator = shared.page = await operatorContext.newPage();
  await signIn(operator, base, operatorToken, `/flows/${FLOW}/mapping`);
  const seen = operator.getByTestId('lookup-channels');
  await seen.waitFor({ timeout: 30000 });
  await operator.waitForFunction(() => document.querySelector('[data-testid="lookup-channels"] table') !== null);
  check((await seen.textContent()).includes('Online order'), 'the operator sees the saved value');
  check(await operator.getByRole('button', { name: 'Edit channels' }).count() === 0, 'no Edit button for an operator');
  check(await seen.locator('input').count() === 0, 'no inputs in the table for an operator');
  await operatorContext.close();
});
