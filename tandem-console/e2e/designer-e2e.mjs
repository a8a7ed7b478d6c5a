// End-to-end test of the flow designer in a real headless Chromium, started by tandem-server's DesignerBrowserTest
// against a running `tandem demo` (whose flows.dir is under its data folder), with these environment variables:
//   TANDEM_URL    the server, e.g. http://127.0.0.1:41234
//   ADMIN_TOKEN   an admin token (saving a flow file needs the admin role)
//   FLOW          the flow to edit (clarity-order-to-salesforce)
//   CONDITION     the filter's condition: true keeps an order (the Java test chose it so that its next order drops)
//   TEMPLATE      a shipped flow to copy with "New flow from template", NEW_FLOW the copy's id
//   ROUTED_FLOW   a flow with a content-based router whose first branch's second step is a filter, BRANCH_REASON
//                 the new reason the script gives that filter (by keyboard on the canvas)
//   SCREENSHOTS   where to write designer.png, designer-step-form.png, flows-new-from-template.png and
//                 designer-branch-step.png
// Opens the flow from the Flows list, adds a Message Filter after the fetch step from the palette, first saves it
// without its condition (the server's problem is shown on the filter's node), then fills the condition in the
// form generated from the JSON Schema and saves; the new version shows, and the version history diffs the two.
import { join } from 'node:path';
import { axe, check, env, results, run, screenshotsDir, signIn } from './lib.mjs';

const base = env('TANDEM_URL');
const adminToken = env('ADMIN_TOKEN');
const flow = env('FLOW');
const condition = env('CONDITION');
const shots = screenshotsDir();

await run('designer', async (browser, shared) => {
  const context = await browser.newContext({ viewport: { width: 1500, height: 1000 } });
  const page = shared.page = await context.newPage();
  const errors = [];
  // Failed responses are logged by Chromium too: the session check before sign-in (401) and the refused save (422)
  // are expected; script errors and CSP refusals are not.
  page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));

  await signIn(page, base, adminToken, '/flows');
  await page.getByRole('heading', { name: 'Flows' }).waitFor();
  await page.getByRole('link', { name: `Design ${flow}` }).click();
  await page.getByRole('heading', { name: `Flow designer: ${flow}` }).waitFor();
  const before = (await page.getByTestId('flow-version').textContent()).trim();
  results.versionBefore = before;

  // The graph: a node per step by its EIP name, and the error path as nodes of their own.
  const canvas = page.getByRole('region', { name: 'Flow graph' });
  await canvas.locator('.react-flow__node').first().waitFor();
  for (const name of ['Trigger', 'Idempotent Consumer', 'Validator', 'Message Translator', 'Message Endpoint',
    'Retry policy', 'Dead Letter Channel']) {
    check(await canvas.locator('.dz-title', { hasText: name }).count() > 0, `node ${name} drawn`);
  }
  await page.screenshot({ path: join(shots, 'designer.png'), fullPage: true });
  await axe(page, 'flow designer');

  // Select the fetch step (step 2) and add a filter after it from the palette (taken from the schema).
  const steps = page.getByRole('list', { name: 'Steps' });
  const stepsBefore = await steps.locator('li[data-testid^="step-"]').count();
  await page.getByTestId('step-1').getByRole('button', { name: /2\. Content Enricher \(fetch\)/ }).click();
  // Looking changes nothing: the forms of the trigger and of a step leave an unchanged flow unchanged.
  check(await page.getByText('Unsaved changes.').count() === 0, 'opening and selecting leave the flow unchanged');
  await page.getByRole('button', { name: 'Add Message Filter (filter)' }).click();
  check(await steps.locator('li[data-testid^="step-"]').count() === stepsBefore + 1, 'a step was added');
  check((await page.getByTestId('step-2').textContent()).includes('Message Filter'), 'the filter is step 3');

  // Saved without its condition: the server's dry run refuses it, and the problem is on the filter's node.
  await page.getByRole('button', { name: 'Save flow' }).click();
  await page.getByRole('alert').filter({ hasText: 'problem(s)' }).waitFor();
  check(await canvas.locator('.dz-problem .dz-title', { hasText: 'Message Filter' }).count() === 1,
    'the problem is drawn on the filter node');
  check((await page.getByTestId('step-2').textContent()).includes('problem'), 'the step list names the problem');
  check((await page.getByTestId('flow-version').textContent()).trim() === before, 'nothing was saved');

  // Move it down and up again (reorder), then fill its properties in the form generated from the schema.
  await page.getByRole('button', { name: 'Move step 3 down' }).click();
  check((await page.getByTestId('step-3').textContent()).includes('Message Filter'), 'moved down');
  await page.getByRole('button', { name: 'Move step 4 up' }).click();
  check((await page.getByTestId('step-2').textContent()).includes('Message Filter'), 'moved up');
  await page.getByTestId('step-2').getByRole('button', { name: /Message Filter/ }).click();
  const form = page.getByRole('region', { name: 'Properties' });
  await form.locator('#root_when').fill(condition);
  await form.locator('#root_reason').fill('designer e2e: orders after the test order are held back');
  await page.screenshot({ path: join(shots, 'designer-step-form.png'), fullPage: true });
  await axe(page, 'flow designer step form');

  await page.getByRole('button', { name: 'Save flow' }).click();
  await page.getByRole('status').filter({ hasText: 'Saved as version' }).waitFor({ timeout: 30000 });
  const after = (await page.getByTestId('flow-version').textContent()).trim();
  check(after !== before && /^[0-9a-f]{12}$/.test(after), `a new version ${after}`);
  results.versionAfter = after;

  // The version history has both, and the diff between them shows the new step.
  const versions = page.getByRole('table', { name: 'Versions' });
  await versions.getByText(after).waitFor();
  check(await versions.getByText(before).count() > 0, 'the old version is in the history');
  await page.locator('#diff-from').selectOption(before);
  await page.locator('#diff-to').selectOption(after);
  await page.getByRole('button', { name: 'Show diff' }).click();
  const diff = await page.getByTestId('diff').textContent();
  check(diff.includes('+ steps[2]') && diff.includes('filter'), 'the diff shows the added filter');
  // A new flow from a template, on the Flows page: created switched off and opened in the designer.
  await page.getByRole('link', { name: 'Flows', exact: true }).click();
  const newFlow = page.getByRole('form', { name: 'New flow from template' });
  await newFlow.getByLabel('Template').selectOption(env('TEMPLATE'));
  await newFlow.getByLabel('New id').fill(env('NEW_FLOW'));
  await page.screenshot({ path: join(shots, 'flows-new-from-template.png'), fullPage: true });
  await axe(page, 'flows with the template form');
  await newFlow.getByRole('button', { name: 'Create and design' }).click();
  await page.getByRole('heading', { name: `Flow designer: ${env('NEW_FLOW')}` }).waitFor();
  check(await page.getByRole('region', { name: 'Flow graph' }).locator('.dz-title', { hasText: 'Message Endpoint' })
    .count() > 0, 'the new flow is drawn');
  // The same id again is refused, and the page says why.
  await page.getByRole('link', { name: 'Flows', exact: true }).click();
  await newFlow.getByLabel('Template').selectOption(env('TEMPLATE'));
  await newFlow.getByLabel('New id').fill(env('NEW_FLOW'));
  await newFlow.getByRole('button', { name: 'Create and design' }).click();
  await newFlow.getByRole('alert').filter({ hasText: 'exists already' }).waitFor();

  // A router's branch step, by keyboard alone: Tab through the customer flow's graph to the Message Filter of the
  // Contact branch, Enter selects it, its form is the filter's, and a new reason is saved into the branch.
  const routed = env('ROUTED_FLOW');
  await page.getByRole('link', { name: 'Flows', exact: true }).click();
  await page.getByRole('link', { name: `Design ${routed}` }).click();
  await page.getByRole('heading', { name: `Flow designer: ${routed}` }).waitFor();
  await canvas.locator('.react-flow__node').first().waitFor();
  await canvas.locator('.react-flow__node').first().focus();
  let reached = false;
  for (let i = 0; i < 40 && !reached; i++) {
    const label = await page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? '');
    reached = label.startsWith('Message Filter:');
    if (!reached) {
      await page.keyboard.press('Tab');
    }
  }
  check(reached, 'Tab reaches the branch filter node on the canvas');
  await page.keyboard.press('Enter');
  const title = await page.getByTestId('form-title').textContent();
  check(title.includes('Message Filter (filter), step 2 of branch 1'), `the branch step's form opens: ${title}`);
  check((await page.getByTestId('palette-place').textContent()).includes('after step 2 of branch 1'),
    'the palette adds into the branch');
  await form.locator('#root_reason').fill(env('BRANCH_REASON'));
  await page.screenshot({ path: join(shots, 'designer-branch-step.png'), fullPage: true });
  await axe(page, 'flow designer branch step');
  await page.getByRole('button', { name: 'Save flow' }).click();
  await page.getByRole('status').filter({ hasText: 'Saved as version' }).waitFor({ timeout: 30000 });
  check(errors.length === 0, `no errors in the browser console ${JSON.stringify(errors)}`);
  await context.close();
});
