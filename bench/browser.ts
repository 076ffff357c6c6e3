/** Node side of the GPU figures: opens the benchmark page in headless Chromium (the test harness) and runs it per backend. */
import { join } from 'node:path';
import { browserUnavailable } from '../__tests__/browser/helpers/chromium';
import { openTestPage } from '../__tests__/browser/helpers/page';
import type { AroundModelFigures } from './around_model';
import type { BackendFigures } from './report';
import type { TimingBudget } from './timing';

/** A GPU backend's figures from the page: its copyUs are the device copy of a step's bytes. */
export type BrowserBackendFigures = BackendFigures & AroundModelFigures;

export type BrowserResult = { backend: string; figures: BrowserBackendFigures } | { backend: string; skipped: string };

export async function benchBrowser(backends: string[], budget: TimingBudget, isQuick: boolean): Promise<BrowserResult[]> {
  const unavailable = browserUnavailable();
  if (unavailable) return backends.map((backend) => ({ backend, skipped: unavailable }));
  const page = await openTestPage(join(__dirname, 'browser_page.ts'));
  const results: BrowserResult[] = [];
  try {
    for (const backend of backends) {
      try {
        results.push({ backend, figures: await page.call<BrowserBackendFigures>('bench', backend, budget, isQuick) });
      } catch (error) {
        results.push({ backend, skipped: `failed in Chromium: ${(error as Error).message.split('\n')[0]}` });
      }
    }
  } finally {
    await page.close();
  }
  return results;
}
