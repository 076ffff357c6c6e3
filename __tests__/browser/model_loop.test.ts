// Every scheduler of the registry between the calls of a real model (tfjs-layers conv2d and
// depthwiseConv2d layers) in headless Chromium: at most 2 GPU programs per step, none of them
// a (un)packing or reshape program, and the next model call runs exactly the programs it runs
// on a tensor in its own layout (no layout program added), on webgl with packed textures, with
// element-wise ops unpacked (convolutions still packed), with everything unpacked, and on webgpu.
import { join } from 'node:path';
import { browserUnavailable } from './helpers/chromium';
import { isLayoutProgram } from './helpers/kernels_programs';
import { openTestPage, type TestPage } from './helpers/page';
import type { SchedulerPrograms } from './pages/model_loop';

const unavailable = browserUnavailable();
if (unavailable) console.warn(`browser model loop suite skipped: ${unavailable}`);

const PAGE = join(__dirname, 'pages', 'model_loop.ts');

/**
 * A small latent and an odd one (packed textures pad odd rows and columns). Small, because a
 * conv2d takes 40 to 600 ms on SwiftShader's WebGPU and every scheduler runs twice per shape.
 */
const SHAPES = [
  [1, 16, 16, 4],
  [2, 9, 7, 3],
];
const NUM_STEPS = 6;

(unavailable ? describe.skip : describe)('schedulers around a real model in headless Chromium', () => {
  let page: TestPage;
  beforeAll(async () => {
    page = await openTestPage(PAGE);
  }, 60000);
  afterAll(() => page?.close());

  test.each<[string, string, Record<string, boolean>]>([
    ['webgl (packed)', 'webgl', {}],
    ['webgl (element-wise ops unpacked)', 'webgl', { WEBGL_PACK_BINARY_OPERATIONS: false }],
    ['webgl (unpacked)', 'webgl', { WEBGL_PACK: false }],
    ['webgpu', 'webgpu', {}],
  ])('%s: every scheduler adds at most 2 programs per step and no layout program', async (label, backend, flags) => {
    await page.reload(); // the packing flags apply to a backend started after them
    for (const shape of SHAPES) {
      const result = await page.call<{ backend: string; schedulers: SchedulerPrograms[]; leaked: number }>('programsAroundModel', backend, flags, shape, NUM_STEPS);
      expect(result.backend).toBe(backend);
      expect(result.leaked).toBe(0);
      expect(result.schedulers.length).toBeGreaterThan(0);
      for (const { scheduler, steps } of result.schedulers) {
        const last = steps[steps.length - 1];
        console.log(`${label} [${shape}] ${scheduler}: ${steps.length} steps; step: ${last.step.join(', ')}; model after it: ${last.model.join(', ')}`);
        expect(steps.length).toBeGreaterThanOrEqual(NUM_STEPS);
        steps.forEach(({ step, model, modelOnItsOwn }, index) => {
          const where = { scheduler, shape, index };
          expect({ ...where, programs: step.length <= 2 ? 'at most 2' : step }).toEqual({ ...where, programs: 'at most 2' });
          expect({ ...where, layout: step.filter(isLayoutProgram) }).toEqual({ ...where, layout: [] });
          expect({ ...where, model }).toEqual({ ...where, model: modelOnItsOwn });
        });
      }
    }
  }, 300000);
});
