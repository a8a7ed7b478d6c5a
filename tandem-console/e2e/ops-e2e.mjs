// End-to-end test of the console's Errors, record timeline and Alerts pages in Debian's headless Chromium, started
// by tandem-server's OpsBrowserTest against two running demos:
//   TANDEM_URL, OPERATOR_TOKEN, ADMIN_TOKEN   `tandem demo` (orders), with dead letters of two error codes
//   BULK_CODE, BULK_EXPECTED                  the code to resolve in bulk, and how many open dead letters have it
//   C360_URL, C360_TOKEN, CUSTOMER_KEY        `tandem demo --scenario customer360` after one customer registered in
//                                             Clarity and a sales rep changed the customer's phone in Salesforce
//   SCREENSHOTS, CHROMIUM                     as for every script (lib.mjs)
// What the bulk action changed is asserted by the Java test, in the store.
import { join } from 'node:path';
import { axe, check, env, results, run, screenshotsDir, signIn } from './lib.mjs';

const base = env('TANDEM_URL');
const operatorToken = env('OPERATOR_TOKEN');
const adminToken = env('ADMIN_TOKEN');
const bulkFlow = env('BULK_FLOW');
const bulkCode = env('BULK_CODE');
const bulkExpected = Number(env('BULK_EXPECTED'));
const c360 = env('C360_URL');
const c360Token = env('C360_TOKEN');
const customerKey = env('CUSTOMER_KEY');
const shots = screenshotsDir();

await run('ops', async (browser, shared) => {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = shared.page = await context.newPage();
  const consoleErrors = [];
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));

  // Errors: the three tabs.
  await signIn(page, base, operatorToken, '/errors');
  await page.getByRole('heading', { name: 'Errors' }).waitFor();
  await page.getByText(/dead letters? match\./).waitFor();
  check(await page.getByRole('link', { name: 'Open' }).getAttribute('aria-current') === 'page', 'Open tab first');
  await page.locator('[data-testid^="dead-letter-"]').first().waitFor();
  await page.screenshot({ path: join(shots, 'errors-tabs.png'), fullPage: true });
  await axe(page, 'errors open');
  await page.getByRole('link', { name: 'Resolved' }).click();
  await page.getByText(/dead letters? match\./).waitFor();
  check(page.url().includes('tab=resolved'), 'Resolved tab in the URL');
  await axe(page, 'errors resolved');
  await page.getByRole('link', { name: 'Retries' }).click();
  await page.getByText(/pending retr(y|ies)/).waitFor();
  await axe(page, 'errors retries');

  // Bulk resolve by filter: the code filter, the server's count in the confirmation, then the change.
  await page.getByRole('link', { name: 'Open' }).click();
  await page.getByLabel('Flow').selectOption(bulkFlow);
  await page.getByLabel('Error code').fill(bulkCode);
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await page.waitForFunction(([f, c]) => window.location.search.includes(`code=${c}`)
    && window.location.search.includes(`flow=${f}`), [bulkFlow, bulkCode]);
  await page.getByText(`${bulkExpected} dead letters match.`).waitFor();
  await page.getByRole('button', { name: 'Resolve all matching…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Resolve by filter' });
  const count = dialog.getByTestId('bulk-count');
  await count.waitFor();
  const countText = await count.textContent();
  results.bulkCount = countText;
  check(countText.includes(`${bulkExpected} dead letters match and will be resolved`), `dry run counts ${bulkExpected}`);
  const confirm = dialog.getByRole('button', { name: `Resolve ${bulkExpected} dead letters` });
  check(await confirm.isDisabled(), 'no resolve without a reason');
  await dialog.getByLabel(/Reason/).fill('fixed by hand in Salesforce (e2e)');
  await page.screenshot({ path: join(shots, 'bulk-confirm.png') });
  await axe(page, 'bulk confirmation');
  await confirm.click();
  const done = dialog.getByTestId('bulk-done');
  await done.waitFor();
  check((await done.textContent()).includes(`${bulkExpected} of ${bulkExpected} dead letters resolved`), 'all resolved');
  await dialog.getByRole('button', { name: 'Close' }).click();
  await page.getByText('No dead letters match these filters.').waitFor();

  // Alerts: the demo's rules, the dead-letter rule firing (evaluated every 5 s), its history.
  await page.getByRole('link', { name: 'Alerts', exact: true }).click();
  await page.getByRole('heading', { name: 'Alerts' }).waitFor();
  await page.getByTestId('rule-dead-letters').waitFor();
  check((await page.getByTestId('rule-dead-letters').textContent()).includes('deadLetters > 0 in 15m'), 'rule listed');
  check(await page.getByRole('button', { name: 'New rule…' }).count() === 0, 'an operator adds no rule');
  await page.getByTestId('firing-dead-letters').first().waitFor({ timeout: 30000 });
  await page.screenshot({ path: join(shots, 'alerts.png'), fullPage: true });
  await axe(page, 'alerts');

  // An admin adds a rule; the server's validation error is shown first.
  const adminContext = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const adminPage = shared.page = await adminContext.newPage();
  await signIn(adminPage, base, adminToken, '/alerts');
  await adminPage.getByRole('button', { name: 'New rule…' }).click();
  const form = adminPage.getByRole('form', { name: 'New rule' });
  await form.getByLabel('Name').fill('e2e-many-dead');
  await form.getByRole('button', { name: 'Add rule' }).click();
  await form.getByRole('alert').waitFor();
  check((await form.getByRole('alert').textContent()).includes('threshold'), 'the server says the threshold is missing');
  await form.getByLabel(/Threshold/).fill('100');
  await form.getByLabel(/Window/).fill('1h');
  await axe(adminPage, 'alert rule form');
  await form.getByRole('button', { name: 'Add rule' }).click();
  await adminPage.getByTestId('rule-e2e-many-dead').waitFor();
  check((await adminPage.getByTestId('rule-e2e-many-dead').textContent()).includes('deadLetters > 100 in 1h'),
    'the added rule is listed');
  shared.page = page;

  // Record timeline, on the customer360 demo: the header search, both directions, the field diff.
  const c360Context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const tl = shared.page = await c360Context.newPage();
  await signIn(tl, c360, c360Token);
  await tl.getByRole('searchbox', { name: 'Find a record' }).fill(customerKey);
  await tl.keyboard.press('Enter');
  await tl.getByRole('heading', { name: 'Record timeline' }).waitFor();
  const history = tl.getByRole('list', { name: `History of ${customerKey}` });
  await history.waitFor();
  const directions = await history.locator(':scope > li').evaluateAll((els) => els.map((e) => e.dataset.direction));
  results.directions = directions;
  check(directions.includes('Clarity → Salesforce'), 'a Clarity → Salesforce entry');
  check(directions.includes('Salesforce → Clarity'), 'a Salesforce → Clarity entry');
  check(directions.indexOf('Salesforce → Clarity') < directions.lastIndexOf('Clarity → Salesforce'),
    'newest first: the Salesforce change above the registration');
  const back = history.locator(':scope > li[data-direction="Salesforce → Clarity"]').first();
  await back.getByRole('button', { name: 'Show details' }).click();
  const phone = back.getByRole('row', { name: /Phone/ }).first();
  await phone.waitFor();
  results.phoneDiff = await phone.textContent();
  check(/737/.test(results.phoneDiff), 'the diff shows the rep’s phone');
  await phone.scrollIntoViewIfNeeded();
  await tl.screenshot({ path: join(shots, 'timeline.png') });
  const first = history.locator(':scope > li[data-direction="Clarity → Salesforce"]').last();
  await first.getByRole('button', { name: 'Show details' }).click();
  await first.getByText(/first write/).first().waitFor();
  await axe(tl, 'timeline');
  await tl.getByLabel('Clarity key or id, Salesforce id, or e-mail').fill('nobody-e2e@example.invalid');
  await tl.getByRole('button', { name: 'Show timeline' }).click();
  await tl.getByTestId('timeline-empty').waitFor();

  const unexpected = consoleErrors.filter((e) => !e.includes('401'));
  check(unexpected.length === 0, `no browser console errors ${unexpected.join(' | ')}`);
});
