// The mapping canvas in a real headless Chromium (Debian's /usr/bin/chromium through playwright-core), started by
// tandem-server's MappingBrowserTest against a running `tandem demo`, with:
//   TANDEM_URL     the server, e.g. http://127.0.0.1:41234
//   ADMIN_TOKEN    an admin token (saving a mapping is for admins)
//   VIEWER_TOKEN   a viewer token
//   SCREENSHOTS    where to write the PNGs (mapping.png, mapping-suggestions.png)
//   CHROMIUM       the browser (default /usr/bin/chromium)
// From the Flows list to the order flow's mapping; drag Totals.Total onto the Order's Clarity_Total__c (not mapped
// by the shipped flow) and map CustomKey to OrderReferenceNumber with the keyboard; the live preview shows both
// values; save. Then suggestions: one accepted (PurchaseOrderNumber → PoNumber). A row added to the
// accountRecordTypes value map and saved. OrderItem's two records told apart, the product line's lines drawn from
// the server's reads (paths in the SalesItems context). A viewer sees no Save button.
// axe-core on the page with and without the suggestions. The Java test checks what reached Salesforce.
import { join } from 'node:path';
import { axe, check, env, results, run, screenshotsDir, signIn } from './lib.mjs';

const base = env('TANDEM_URL');
const adminToken = env('ADMIN_TOKEN');
const viewerToken = env('VIEWER_TOKEN');
const shots = screenshotsDir();
const FLOW = 'clarity-order-to-salesforce';

const mapped = (page) => page.getByLabel('Mapped fields of order');

await run('mapping', async (browser, shared) => {
  const context = await browser.newContext({ viewport: { width: 1500, height: 1000 } });
  const page = shared.page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));

  await signIn(page, base, adminToken, '/flows');
  await page.getByRole('link', { name: `Mapping of ${FLOW}` }).click();
  await page.getByRole('heading', { name: `Mapping of ${FLOW}` }).waitFor();
  const total = page.getByTestId('target-Clarity_Total__c');
  await total.waitFor();
  check(await page.getByTestId('target-EffectiveDate').textContent().then((t) => t.includes('required')),
    'required targets are marked');
  check(await page.locator('svg.mapping-lines path').count() > 0, 'lines drawn between mapped fields');
  // The first preview (the flow's example, the shipped mapping) runs on load.
  await mapped(page).waitFor();
  check(!(await mapped(page).textContent()).includes('Clarity_Total__c'), 'the shipped mapping has no Clarity_Total__c');

  // Drag a source field onto a target field.
  await page.getByTestId('source-Totals.Total').dragTo(total);
  await page.getByTestId('expr-Clarity_Total__c').waitFor();
  check((await page.getByTestId('expr-Clarity_Total__c').textContent()) === 'Totals.Total', 'drag mapped Totals.Total');
  await page.waitForFunction(() => {
    const el = document.querySelector('[aria-label="Mapped fields of order"]');
    return el && el.textContent.includes('"Clarity_Total__c": 226.5');
  }, null, { timeout: 15000 });
  results.previewAfterDrag = 'Clarity_Total__c = 226.5';
  await page.waitForFunction(() => document.querySelector('[data-line="Totals.Total->Clarity_Total__c"]') !== null);

  // The keyboard way: select a source, select a target, Map.
  await page.getByTestId('source-CustomKey').getByRole('button', { name: 'CustomKey', exact: true }).focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('target-OrderReferenceNumber').getByRole('button', { name: 'OrderReferenceNumber', exact: true }).focus();
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: 'Map CustomKey → OrderReferenceNumber' }).focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => {
    const el = document.querySelector('[aria-label="Mapped fields of order"]');
    return el && el.textContent.includes('"OrderReferenceNumber": "SO-5001"');
  }, null, { timeout: 15000 });
  check((await page.getByTestId('preview-outcome').textContent()).startsWith('Would write'), 'the preview would write');
  check(await page.getByTestId('write-plan').textContent().then((t) => t.includes('Order')), 'the write plan names Order');
  await page.screenshot({ path: join(shots, 'mapping.png'), fullPage: true });
  await axe(page, 'mapping canvas');

  // Save (admin); the server validates, writes flows.dir and reloads.
  await page.getByRole('button', { name: 'Save mapping' }).click();
  await page.getByTestId('notice').filter({ hasText: 'Saved' }).waitFor({ timeout: 15000 });
  results.saved = await page.getByTestId('notice').textContent();

  // Suggestions: ranked with reasons; accept one.
  await page.getByRole('button', { name: 'Suggest mappings' }).click();
  const po = page.getByTestId('suggestion-PurchaseOrderNumber-PoNumber');
  await po.waitFor({ timeout: 60000 });
  check(/\d\.\d\d/.test(await po.textContent()), 'a suggestion shows its score');
  await page.getByRole('button', { name: 'Accept PurchaseOrderNumber → PoNumber' }).click();
  await page.getByTestId('notice').filter({ hasText: 'Accepted PurchaseOrderNumber → PoNumber' }).waitFor();
  await page.getByRole('heading', { name: 'Suggestions' }).scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(shots, 'mapping-suggestions.png'), fullPage: true });
  await axe(page, 'mapping canvas with suggestions');

  // Value maps: add a row to the order flow's accountRecordTypes picklist; a duplicate source is refused before
  // saving; then saved (dry run, then the flow file into flows.dir). The Java test reads the file.
  const recordTypes = page.getByTestId('value-map-accountRecordTypes');
  await recordTypes.scrollIntoViewIfNeeded();
  check((await recordTypes.textContent()).includes('Account.RecordTypeId'), 'the value map names the field using it');
  await page.getByRole('button', { name: 'Add a row to accountRecordTypes' }).click();
  await page.getByLabel('accountRecordTypes row 3 source value').fill('b2b');
  await page.getByRole('button', { name: 'Save value maps' }).click();
  await page.getByTestId('value-maps-problems').filter({ hasText: 'appears twice' }).waitFor();
  await page.getByLabel('accountRecordTypes row 3 source value').fill('wholesale');
  await page.getByLabel('accountRecordTypes row 3 target value').fill('Business');
  await page.getByRole('button', { name: 'Save value maps' }).click();
  await page.getByTestId('value-maps-notice').waitFor({ timeout: 15000 });
  results.valueMapsSaved = await page.getByTestId('value-maps-notice').textContent();
  check(await page.getByRole('heading', { name: 'Lookup tables' }).count() === 1, 'the lookup tables panel is shown');
  check((await page.locator('.lookup-tables').textContent()).includes('declares no lookup tables'),
    'the order flow has no lookup tables');
  await page.getByRole('heading', { name: 'Value maps' }).scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(shots, 'mapping-tables.png'), fullPage: true });
  await axe(page, 'mapping canvas with value maps and lookup tables');

  // OrderItem: two records (the $charge lines, then one per SalesItems item); the product lines' fields are
  // relative to each item, and the server resolves them (SalesItems[].Quantity), a line per path read.
  await page.getByLabel('Target object', { exact: true }).selectOption('OrderItem');
  const recordChoice = page.getByLabel('Record', { exact: true });
  await recordChoice.waitFor();
  const labels = await recordChoice.locator('option').allTextContents();
  check(labels.length === 2 && labels[0].includes('made by function $charge') && labels[1].includes('one per SalesItems'),
    `the OrderItem records are told apart: ${labels.join(' | ')}`);
  check(await page.locator('[data-line$="->Quantity"]').count() === 0, 'the charge line\'s Quantity reads no source field');
  await recordChoice.selectOption({ label: labels[1] });
  await page.waitForFunction(() => document.querySelector('[data-line="SalesItems[].Quantity->Quantity"]') !== null,
    null, { timeout: 15000 });
  const pricebook = await page.locator('[data-line$="->PricebookEntryId"]').count();
  check(pricebook >= 2, `a line per source path PricebookEntryId's expression reads (${pricebook})`);
  results.productLineLines = pricebook;
  check(errors.length === 0, `no page errors ${errors.join('; ')}`);

  // A viewer sees the canvas and the preview, and no Save or Accept button.
  const viewerContext = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const viewer = shared.page = await viewerContext.newPage();
  await signIn(viewer, base, viewerToken, `/flows/${FLOW}/mapping`);
  await viewer.getByTestId('target-Clarity_Total__c').waitFor();
  check((await viewer.getByTestId('expr-Clarity_Total__c').textContent()) === 'Totals.Total', 'the viewer sees the saved mapping');
  check(await viewer.getByRole('button', { name: 'Save mapping' }).count() === 0, 'no Save button for a viewer');
  await viewer.getByRole('button', { name: 'Suggest mappings' }).click();
  await viewer.getByTestId('suggestion-PurchaseOrderNumber-PoNumber').waitFor({ timeout: 60000 });
  check(await viewer.getByRole('button', { name: /^Accept/ }).count() === 0, 'no Accept button for a viewer');
  await viewerContext.close();
});
