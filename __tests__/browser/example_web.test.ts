// The web example (examples/web, `npm run example:web`) in headless Chromium: it samples glyphs
// on WebGL with every sampling scheduler of the registry, the step count, noise generator and
// seed picked with its controls, each run ending on glyphs; it shows the backend and the time per
// step; and its Stop button aborts a run without an error and without leaving a tensor.
// Screenshots go to test-results/example-web/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { serveExample, type ServedExample } from '../../examples/web/serve';
import { glyphsQuality } from '../../src/denoisers/glyphs_quality';
import { SCHEDULERS } from '../../src/schedulers/registry';
import { browserUnavailable, launchChromium } from './helpers/chromium';

const SCREENSHOTS = join(__dirname, '..', '..', 'test-results', 'example-web');

const unavailable = browserUnavailable();
if (unavailable) console.warn(`browser suite skipped: ${unavailable}`);

const sampling = SCHEDULERS.filter((entry) => entry.purpose === 'sampling');

/** Share of the canvas's pixels that are bright (ink), and how many distinct grey levels it has. */
function canvasInk(page: Page): Promise<{ ink: number; levels: number }> {
  return page.evaluate(() => {
    const canvas = document.getElementById('preview') as HTMLCanvasElement;
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    const greys = new Set<number>();
    let bright = 0;
    for (let i = 0; i < data.length; i += 4) {
      greys.add(data[i]);
      if (data[i] > 127) bright++;
    }
    return { ink: bright / (data.length / 4), levels: greys.size };
  });
}

const statusOf = (page: Page) => page.locator('#status');
const lastRun = (page: Page) => page.evaluate(() => window.exampleRun!);

(unavailable ? describe.skip : describe)('the web example in headless Chromium', () => {
  let served: ServedExample;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    served = await serveExample(0);
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('pageerror', (error) => errors.push(String(error)));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await page.goto(served.url);
  });
  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  test('offers every sampling scheduler of the registry, the default first', async () => {
    const offered = await page.locator('#scheduler option').evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value));
    expect(offered).toEqual(sampling.map((entry) => entry.name));
    expect(offered[0]).toBe('ddim');
  });

  test('samples with the default scheduler on WebGL to the end and draws the glyphs', async () => {
    await statusOf(page).and(page.locator('[data-state="done"]')).waitFor({ timeout: 60000 });
    await page.screenshot({ path: join(SCREENSHOTS, 'done.png') });
    expect(await statusOf(page).textContent()).toMatch(/^webgl · ddim · 50 steps · [\d.]+ ms per step/);
    const { ink, levels } = await canvasInk(page);
    // Digits on a dark background: some ink, mostly background, not one flat grey.
    expect(ink).toBeGreaterThan(0.05);
    expect(ink).toBeLessThan(0.6);
    expect(levels).toBeGreaterThan(1);
    expect(glyphsQuality((await lastRun(page)).values).shareNearGlyph).toBe(1);
    expect(await statusOf(page).getAttribute('data-tensors-after')).toBe(await statusOf(page).getAttribute('data-tensors-before'));
    expect(errors).toEqual([]);
  });

  test.each(sampling.flatMap((entry, i) => [[entry.name, 'nx', i], [entry.name, 'torch', i + 1]] as const))(
    'picks %s, the %s generator, a seed: the run ends on glyphs',
    async (name, generator, seed) => {
      const entry = sampling.find((candidate) => candidate.name === name)!;
      await page.selectOption('#scheduler', name);
      expect(await page.inputValue('#steps')).toBe(String(entry.defaultSteps)); // the scheduler's own count
      expect(await page.textContent('#suits')).toBe(`${name} suits ${entry.suits}.`);
      await page.selectOption('#generator', generator);
      await page.fill('#seed', String(seed));
      await page.click('#sample');
      await statusOf(page).and(page.locator(`[data-state="done"][data-scheduler="${name}"]`)).waitFor({ timeout: 120000 });
      await page.screenshot({ path: join(SCREENSHOTS, `${name}-${generator}.png`) });
      expect(await statusOf(page).textContent()).toMatch(new RegExp(`^webgl · ${name} · ${entry.defaultSteps} steps · [\\d.]+ ms per step`));
      const run = await lastRun(page);
      expect({ ...run, values: run.values.length }).toEqual({ scheduler: name, steps: entry.defaultSteps, generator, seed, values: 16 * 256 });
      expect(glyphsQuality(run.values).shareNearGlyph).toBeGreaterThanOrEqual(0.9);
      expect(await statusOf(page).getAttribute('data-tensors-after')).toBe(await statusOf(page).getAttribute('data-tensors-before'));
      expect(errors).toEqual([]);
    },
  );

  test('Stop aborts a run: no error, every tensor released', async () => {
    await page.selectOption('#scheduler', 'ddim');
    await page.fill('#steps', '1000');
    await page.click('#sample');
    await page.waitForFunction(() => Number(document.getElementById('status')!.dataset.step) >= 2);
    await page.click('#stop');
    await statusOf(page).and(page.locator('[data-state="stopped"]')).waitFor({ timeout: 30000 });
    await page.screenshot({ path: join(SCREENSHOTS, 'stopped.png') });
    expect(await statusOf(page).textContent()).toMatch(/stopped at step \d+ of 1000/);
    expect(await statusOf(page).getAttribute('data-tensors-after')).toBe(await statusOf(page).getAttribute('data-tensors-before'));
    expect(await page.isEnabled('#sample')).toBe(true);
    expect(errors).toEqual([]);
  });
});
