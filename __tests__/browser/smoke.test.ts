// The browser harness itself: Chromium starts, the bundle loads, and each backend runs DDIM.
import { join } from 'node:path';
import reference from '../../fixtures/bumblebee_ddim.json';
import { browserUnavailable } from './helpers/chromium';
import { openTestPage, type TestPage } from './helpers/page';

const unavailable = browserUnavailable();
if (unavailable) console.warn(`browser suite skipped: ${unavailable}`);

(unavailable ? describe.skip : describe)('headless Chromium', () => {
  let page: TestPage;
  beforeAll(async () => {
    page = await openTestPage(join(__dirname, 'pages', 'smoke.ts'));
  });
  afterAll(() => page?.close());

  test.each(['webgl', 'webgpu', 'wasm', 'cpu'])('%s runs the default 10-step loop', async (backend) => {
    const result = await page.call<{ backend: string; sum: number; leaked: number }>('defaultLoop', backend);
    expect(result.backend).toBe(backend);
    expect(Math.abs(result.sum - reference.ddim.loops_10_steps[0].sum)).toBeLessThanOrEqual(1e-4 + 1e-4 * reference.ddim.loops_10_steps[0].sum);
    expect(result.leaked).toBe(0);
  });
});
