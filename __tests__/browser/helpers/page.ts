/** Node side: opens a served test page in Chromium and calls the functions it exposes. */
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './chromium';
import { servePage, type ServedPage } from './serve';

export interface TestPage {
  readonly page: Page;
  /** Calls `window.suite[name](...args)` in the page and returns its (JSON) result. */
  call<T>(name: string, ...args: unknown[]): Promise<T>;
  close(): Promise<void>;
}

/** Bundles `entry`, serves it, opens it in a fresh headless Chromium, waits for `window.suite`. */
export async function openTestPage(entry: string): Promise<TestPage> {
  const served: ServedPage = await servePage(entry);
  const browser: Browser = await launchChromium();
  const page = await browser.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  await page.goto(served.url);
  await page.waitForFunction(() => (window as unknown as { suite?: object }).suite !== undefined, undefined, { timeout: 30000 }).catch(() => {
    throw new Error(`the test page did not start: ${pageErrors.join('; ') || 'no window.suite'}`);
  });
  return {
    page,
    call: <T>(name: string, ...args: unknown[]) =>
      page.evaluate(([fn, fnArgs]) => (window as unknown as { suite: Record<string, (...a: unknown[]) => unknown> }).suite[fn as string](...(fnArgs as unknown[])), [name, args] as const) as Promise<T>,
    async close() {
      await browser.close();
      await served.close();
    },
  };
}
