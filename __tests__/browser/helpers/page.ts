/** Node side: opens a served test page in Chromium and calls the functions it exposes. */
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './chromium';
import { servePage, type ServedPage, type ServeOptions } from './serve';

export interface TestPage {
  readonly page: Page;
  /** Uncaught errors of the page since it was last loaded. */
  readonly pageErrors: readonly string[];
  /** Calls `window.suite[name](...args)` in the page and returns its (JSON) result. */
  call<T>(name: string, ...args: unknown[]): Promise<T>;
  /** Loads the page afresh (new tfjs, no backend started yet), e.g. to start one with other flags. */
  reload(): Promise<void>;
  /** Bundles and serves another entry and loads it in the same tab (one Chromium per spec file). */
  open(entry: string, options?: ServeOptions): Promise<void>;
  close(): Promise<void>;
}

/** Bundles `entry`, serves it, opens it in a fresh headless Chromium, waits for `window.suite`. */
export async function openTestPage(entry: string, options: ServeOptions = {}): Promise<TestPage> {
  let served: ServedPage = await servePage(entry, undefined, options);
  const browser: Browser = await launchChromium();
  const page = await browser.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  const load = async (navigate: () => Promise<unknown>) => {
    pageErrors.length = 0;
    await navigate();
    await page.waitForFunction(() => (window as unknown as { suite?: object }).suite !== undefined, undefined, { timeout: 30000 }).catch(() => {
      throw new Error(`the test page did not start: ${pageErrors.join('; ') || 'no window.suite'}`);
    });
  };
  await load(() => page.goto(served.url));
  return {
    page,
    pageErrors,
    call: <T>(name: string, ...args: unknown[]) =>
      page.evaluate(([fn, fnArgs]) => (window as unknown as { suite: Record<string, (...a: unknown[]) => unknown> }).suite[fn as string](...(fnArgs as unknown[])), [name, args] as const) as Promise<T>,
    reload: () => load(() => page.reload()),
    async open(nextEntry, nextOptions = {}) {
      await served.close();
      served = await servePage(nextEntry, undefined, nextOptions);
      await load(() => page.goto(served.url));
    },
    async close() {
      await browser.close();
      await served.close();
    },
  };
}
