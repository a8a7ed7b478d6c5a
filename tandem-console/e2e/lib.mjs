// Shared pieces of the console's browser tests (each *-e2e.mjs script is started by one JUnit test in
// tandem-server's dev.tandem.server.e2e package through BrowserScript, against a running `tandem demo`).
// Every script: reads its environment with env(), launches Debian's Chromium with launch(), records checks with
// check(), checks accessibility with axe(), and ends with finish(), which prints {"ok":true,...} or exits 1.
import { chromium } from 'playwright-core';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

export const env = (name) => {
  const v = process.env[name];
  if (!v) {
    console.error(`console-e2e: ${name} is not set`);
    process.exit(2);
  }
  return v;
};

export const results = {};

export const check = (ok, what) => {
  if (!ok) {
    throw new Error(`check failed: ${what}`);
  }
  results[what] = true;
};

export const screenshotsDir = () => {
  const dir = env('SCREENSHOTS');
  mkdirSync(dir, { recursive: true });
  return dir;
};

export async function launch() {
  const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    console.error(`console-e2e: no Chromium at ${executablePath}: install it with \`apt-get install chromium\``);
    process.exit(3);
  }
  return chromium.launch({
    executablePath,
    headless: true,
    // The flags this machine needs (docs/console.md): no sandbox as root, no GPU, and no background connections,
    // which the closed network refuses.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

/** Opens path (default /) and signs in with token on the sign-in page; waits for the main navigation. */
export async function signIn(page, base, token, path = '/') {
  await page.goto(`${base}${path}`);
  await page.getByLabel('API token').fill(token);
  await page.keyboard.press('Enter');
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core (WCAG 2 A/AA rules) on the page as it is now; a serious or critical violation fails the check,
 * naming the rule and the first elements. Returns the violations of lower impact (reported, not failed).
 */
export async function axe(page, what) {
  // Through the DevTools protocol, not a <script> tag: the console's CSP (rightly) refuses inline scripts.
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa'] } });
    return {
      passes: r.passes.length,
      violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) })),
    };
  }).then((r) => {
    // axe ran its rules (a page it could not read would pass nothing).
    check(r.passes > 0, `axe ran on ${what}`);
    return r.violations;
  });
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  check(bad.length === 0, `axe: no serious violation on ${what} ${bad.length ? JSON.stringify(bad) : ''}`);
  return violations;
}

/**
 * Runs body(browser, state); prints the results as {"ok":true,...}, or the failure (and NAME-failure.png of
 * state.page) and exit code 1.
 */
export async function run(name, body) {
  const browser = await launch();
  const state = { page: null };
  try {
    await body(browser, state);
    console.log(JSON.stringify({ ok: true, results }));
  } catch (e) {
    console.error(`console-e2e: ${e instanceof Error ? e.stack : e}`);
    if (state.page) {
      await state.page.screenshot({ path: join(screenshotsDir(), `${name}-failure.png`), fullPage: true }).catch(() => {});
    }
    process.exitCode = 1;
  } finally {
    await browser.close();
  }
}
