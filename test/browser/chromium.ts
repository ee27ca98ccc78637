/**
 * Debian's Chromium driven by playwright-core, headless and quiet: no sandbox (CI runs
 * as root in a namespace), and none of the background traffic it would send to Google
 * (the tests run with loopback as the only network). Playwright gives each launch a
 * fresh profile of its own.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.ESI_CHROMIUM ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: run .ci/setup-browser.sh (apt-get install chromium) or set ESI_CHROMIUM`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A browser context whose console pages send this bearer token (none: the open api). */
export async function consolePage(browser: Browser, token?: string): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  // Set before the page's scripts run (token.ts reads it from sessionStorage).
  if (token) await context.addInitScript({ content: `sessionStorage.setItem('esi-console-token', ${JSON.stringify(token)});` });
  const page = await context.newPage();
  const errors: string[] = [];
  // A script error on the page fails the test that made it, rather than passing silently.
  page.on('pageerror', (e) => errors.push(e.message));
  return { context, page, errors };
}
