// End-to-end test of the console in a real headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core;
// no browser is downloaded). Started by tandem-server's ConsoleBrowserEndToEndTest against a running `tandem demo`,
// with these environment variables:
//   TANDEM_URL       the server, e.g. http://127.0.0.1:41234
//   OPERATOR_TOKEN   the operator token `tandem demo` printed
//   VIEWER_TOKEN     a viewer token
//   DEAD_LETTER_ID   an open dead letter of clarity-order-to-salesforce (an order without a last name)
//   SCREENSHOTS      where to write the PNGs
//   CHROMIUM         the browser (default /usr/bin/chromium)
// Exits 0 when every check passed, 1 with the failed check on stderr (and console-failure.png). axe-core checks
// each page for serious accessibility violations.
import { join } from 'node:path';
import { axe, check, env, results, run, screenshotsDir } from './lib.mjs';

const base = env('TANDEM_URL');
const operatorToken = env('OPERATOR_TOKEN');
const viewerToken = env('VIEWER_TOKEN');
const deadLetterId = env('DEAD_LETTER_ID');
const shots = screenshotsDir();

// Markup in record values (Salesforce keeps FirstName to 40 characters, LastName to 80).
const XSS_SCRIPT = '<script>window.__xss=1</script>';
const XSS_IMG = '<img src=x onerror="window.__xss=2">';

await run('console', async (browser, shared) => {
  let page;
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  page = shared.page = await context.newPage();
  const consoleErrors = [];
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));

  // Sign-in page, with the security headers.
  const first = await page.goto(`${base}/`);
  const csp = first.headers()['content-security-policy'] ?? '';
  check(csp.includes("script-src 'self'") && !csp.includes('unsafe-inline'), 'CSP header without unsafe-inline');
  check(first.headers()['x-content-type-options'] === 'nosniff', 'nosniff header');
  await page.getByLabel('API token').waitFor();
  await page.screenshot({ path: join(shots, 'sign-in.png') });
  await axe(page, 'sign-in');
  await page.getByLabel('API token').fill(operatorToken);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  check((await page.getByTestId('who').textContent()).includes('(operator)'), 'signed in as operator');
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === 'tandem_session');
  check(session && session.httpOnly && session.sameSite === 'Strict', 'session cookie HttpOnly SameSite=Strict');
  check(await page.evaluate(() => !document.cookie.includes('tandem_session')), 'cookie invisible to scripts');

  // Dashboard: the demo's orders are counted as synced.
  await page.waitForFunction(() => {
    const v = document.querySelector('[data-testid="card-synced"] .value');
    return v && Number(v.textContent.replace(/[^0-9]/g, '')) > 0;
  }, null, { timeout: 30000 });
  const synced = await page.locator('[data-testid="card-synced"] .value').textContent();
  results.syncedOnDashboard = synced;
  await page.screenshot({ path: join(shots, 'dashboard.png'), fullPage: true });
  await axe(page, 'dashboard');

  // Flows: keyboard to the Flows link and follow it.
  await page.getByRole('link', { name: 'Flows' }).focus();
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Flows' }).waitFor();
  check(await page.getByRole('button', { name: 'Pause clarity-order-to-salesforce' }).isVisible(),
    'operator sees pause');
  await page.screenshot({ path: join(shots, 'flows.png'), fullPage: true });
  await axe(page, 'flows');

  // Errors: the dead letter in the list, then its detail.
  await page.getByRole('link', { name: 'Errors', exact: true }).click();
  await page.getByRole('heading', { name: 'Errors' }).waitFor();
  await page.getByTestId(`dead-letter-${deadLetterId}`).waitFor();
  await page.screenshot({ path: join(shots, 'errors.png'), fullPage: true });
  await axe(page, 'errors');
  await page.getByRole('link', { name: `Dead letter ${deadLetterId}` }).click();
  await page.getByRole('heading', { name: new RegExp(`Dead letter ${deadLetterId}`) }).waitFor();
  check((await page.getByTestId('dl-state').textContent()) === 'open', 'dead letter open');
  await page.screenshot({ path: join(shots, 'dead-letter.png'), fullPage: true });
  await axe(page, 'dead letter');

  // Edit and retry: invalid JSON is refused before sending; the valid edit is checked, then sent.
  const editor = page.getByLabel('Edit (JSON)');
  await editor.fill('{"source": {"User": ');
  await page.getByText(/Not valid JSON/).waitFor();
  check(await page.getByRole('button', { name: 'Retry with edit' }).isDisabled(), 'invalid edit cannot be sent');
  const edit = { source: { User: { Contact: { FirstName: XSS_SCRIPT, LastName: `Edited${XSS_IMG}` } } } };
  await editor.fill(JSON.stringify(edit, null, 2));
  await page.getByText('Valid JSON edit.').waitFor();
  await page.getByLabel(/^Reason/).fill('last name from the phone order');
  await page.getByRole('button', { name: 'Check edit' }).click();
  await page.getByText(/The edit is valid/).waitFor();
  await page.getByRole('button', { name: 'Retry with edit' }).click();
  await page.getByText('Edited and retried.').waitFor();
  const deadline = Date.now() + 60000;
  let state = '';
  while (Date.now() < deadline) {
    await page.reload();
    await page.getByTestId('dl-state').waitFor();
    state = await page.getByTestId('dl-state').textContent();
    if (state === 'resolved') {
      break;
    }
    await page.waitForTimeout(1000);
  }
  check(state === 'resolved', 'edited dead letter resolved');

  // The <script> name is shown as text and never runs.
  await page.getByLabel('Kept edit').waitFor();
  const kept = await page.getByLabel('Kept edit').textContent();
  check(kept.includes(XSS_SCRIPT) && kept.includes('<img src=x onerror='), 'markup in names shown as text');
  check(await page.evaluate(() => window.__xss === undefined), 'script name not executed');
  check(await page.evaluate(() => document.querySelectorAll('img').length === 0), 'no injected img');
  check(await page.evaluate(() => [...document.scripts].every((s) => s.src)), 'no inline script in the DOM');
  await page.screenshot({ path: join(shots, 'dead-letter-resolved.png'), fullPage: true });

  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByText('Signed out.').waitFor();
  const afterSignOut = await page.evaluate(async () => (await fetch('/api/v1/flows')).status);
  check(afterSignOut === 401, 'signed out: the API answers 401');
  const unexpected = consoleErrors.filter((e) => !e.includes('401'));
  if (unexpected.length > 0) {
    console.error(`browser console errors: ${unexpected.join(' | ')}`);
  }
  check(unexpected.length === 0, 'no browser console errors but the 401s after sign-out');

  // A viewer: no action buttons, and the API refuses the action even with the right CSRF token.
  const viewer = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  page = shared.page = await viewer.newPage();
  await page.goto(`${base}/errors/${deadLetterId}`);
  await page.getByLabel('API token').fill(viewerToken);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: new RegExp(`Dead letter ${deadLetterId}`) }).waitFor();
  check((await page.getByTestId('who').textContent()).includes('(viewer)'), 'signed in as viewer');
  check(await page.getByRole('button', { name: 'Retry' }).count() === 0, 'viewer: no retry button');
  check(await page.getByRole('button', { name: 'Retry with edit' }).count() === 0, 'viewer: no edit button');
  await page.screenshot({ path: join(shots, 'dead-letter-viewer.png'), fullPage: true });
  const refused = await page.evaluate(async (id) => {
    const me = await (await fetch('/api/v1/session')).json();
    const r = await fetch(`/api/v1/dead-letters/${id}/retry`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Tandem-CSRF': me.csrfToken },
      body: '{}',
    });
    return { status: r.status, code: (await r.json()).code };
  }, deadLetterId);
  check(refused.status === 403 && refused.code === 'forbidden', `viewer retry via API is 403 (${JSON.stringify(refused)})`);
  await page.goto(`${base}/flows`);
  await page.getByRole('heading', { name: 'Flows' }).waitFor();
  check(await page.getByRole('button', { name: /^(Pause|Resume) / }).count() === 0, 'viewer: no pause button');

});
