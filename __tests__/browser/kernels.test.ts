// The fused combination kernels in headless Chromium: the op chain's numbers on webgl (packed
// and unpacked), webgpu and cpu for every case; at most two GPU programs per
// step (DDIM, PNDM, LCM, TCD); exactly two tensors made and no read-back; Bumblebee's loops with the kernels active,
// also with half-float textures.
import { join } from 'node:path';
import reference from '../../fixtures/bumblebee_ddim.json';
import { browserUnavailable } from './helpers/chromium';
import type { AgreementReport } from './helpers/kernels_cases';
import { openTestPage, type TestPage } from './helpers/page';

const unavailable = browserUnavailable();
if (unavailable) console.warn(`browser kernel suite skipped: ${unavailable}`);

const PAGE = join(__dirname, 'pages', 'kernels.ts');
const LOOPS = reference.ddim.loops_10_steps;

interface LoopsResult {
  backend: string;
  fused: boolean;
  f16: boolean;
  results: Array<{ sum: number; slice: number[] }>;
  leaked: number;
}

/** Every sum and slice value of Bumblebee's loops within atol + rtol * |expected|. */
function expectLoopsClose(result: LoopsResult, tolerance: number): number {
  let worst = 0;
  result.results.forEach(({ sum, slice }, i) => {
    const expected = [LOOPS[i].sum, ...LOOPS[i].slice.flat(2)];
    [sum, ...slice].forEach((value, j) => {
      const error = Math.abs(value - expected[j]) / (1 + Math.abs(expected[j]));
      worst = Math.max(worst, error);
      expect({ loop: i, index: j, value, ok: error <= tolerance }).toEqual({ loop: i, index: j, value, ok: true });
    });
  });
  return worst;
}

(unavailable ? describe.skip : describe)('fused kernels in headless Chromium', () => {
  let page: TestPage;
  beforeAll(async () => {
    page = await openTestPage(PAGE);
  }, 60000);
  afterAll(() => page?.close());

  test.each<[string, string, Record<string, boolean>]>([
    ['webgl (packed)', 'webgl', {}],
    ['webgl (unpacked)', 'webgl', { WEBGL_PACK_BINARY_OPERATIONS: false }],
    ['webgpu', 'webgpu', {}],
    ['cpu', 'cpu', {}],
  ])('%s: fused and op chain agree on every case', async (_, backend, flags) => {
    const report = await page.call<AgreementReport & { fused: boolean }>('agreement', backend, flags);
    console.log(`${backend} ${JSON.stringify(flags)}: ${report.cases} cases, worst ${report.worstRatio.toFixed(3)} of the tolerance (${report.worstCase}), max |difference| ${report.maxAbsoluteDifference}`);
    expect(report.backend).toBe(backend);
    expect(report.fused).toBe(true);
    expect(report.failures).toEqual([]);
    expect(report.wrongTensorCounts).toEqual([]);
    expect(report.leakedTensors).toBe(0);
  }, 300000);

  test.each<[string, string, object, 'injected' | 'drawn']>([
    ['DDIM, default options', 'ddim', {}, 'injected'],
    ['DDIM, eta = 1, injected noise', 'ddim', { eta: 1 }, 'injected'],
    ['DDIM, v-prediction, re-derived noise, eta = 0.5, injected noise', 'ddim', { predictionType: 'angular_velocity', rederiveNoise: true, eta: 0.5 }, 'injected'],
    ['DDIM, no clipping', 'ddim', { clipDenoisedSample: false }, 'injected'],
    ['FlowMatch Euler, shift 3 (one multiply-add and its x0)', 'flow-match-euler', { shift: 3 }, 'injected'],
    ['FlowMatch Euler, stochastic, injected noise', 'flow-match-euler', { shift: 3, stochasticSampling: true }, 'injected'],
    ['Euler, default options', 'euler', {}, 'injected'],
    ['Euler, churn on every step, injected noise', 'euler', { sChurn: 100 }, 'injected'],
    ['Euler, Karras sigmas, v-prediction', 'euler', { sigmaSchedule: 'karras', predictionType: 'angular_velocity' }, 'injected'],
    ['Euler ancestral, injected noise', 'euler-ancestral', {}, 'injected'],
    // PNDM: 13 calls, the Runge-Kutta accumulation and the 4th-order multistep over kept model outputs
    ['PNDM, Runge-Kutta warm-up, v-prediction', 'pndm', { predictionType: 'angular_velocity' }, 'injected'],
    ['PNDM, reduced warm-up', 'pndm', { reduceWarmup: true }, 'injected'],
    ['LCM, injected noise', 'lcm', {}, 'injected'],
    ['LCM, clipped x0', 'lcm', { clipDenoisedSample: true }, 'injected'],
    ['TCD, gamma 0.3, injected noise', 'tcd', {}, 'injected'],
    ['TCD, sample prediction, deterministic', 'tcd', { predictionType: 'sample', gamma: 0 }, 'injected'],
    ['DPM-Solver++ 2M', 'dpm-solver', {}, 'injected'],
    ['DPM-Solver++ order 3, Karras sigmas', 'dpm-solver', { solverOrder: 3, sigmaSchedule: 'karras' }, 'injected'],
    ['SDE-DPM-Solver++ order 3, injected noise', 'dpm-solver', { solverOrder: 3, algorithmType: 'sde-dpmsolver++' }, 'injected'],
    ['DPM-Solver (noise prediction) order 3, v-prediction', 'dpm-solver', { algorithmType: 'dpmsolver', solverOrder: 3, predictionType: 'angular_velocity', finalSigmasType: 'sigma_min' }, 'injected'],
    ['UniPC bh2 order 2 (predictor and corrector)', 'unipc', {}, 'injected'],
    ['UniPC bh1 order 3, noise prediction, v-prediction', 'unipc', { solverOrder: 3, solverType: 'bh1', predictX0: false, predictionType: 'angular_velocity', finalSigmasType: 'sigma_min' }, 'injected'],
    ['UniPC order 3, flow sigmas and prediction', 'unipc', { solverOrder: 3, sigmaSchedule: 'flow', predictionType: 'flow', flowShift: 3 }, 'injected'],
  ])('at most 2 GPU programs per step on webgl and webgpu: %s', async (_, name, options, noise) => {
    for (const backend of ['webgl', 'webgpu']) {
      // 6 steps: the multistep schedulers reach their highest order (and UniPC's corrector of it).
      const counts = await page.call<{ backend: string; fused: number[]; chain: number[] }>('programsPerStep', backend, name, options, noise, 6);
      console.log(`${backend} ${name} ${JSON.stringify(options)} ${noise} noise: ${counts.fused.join(', ')} programs per step (op chain: ${counts.chain.join(', ')})`);
      expect(counts.backend).toBe(backend);
      expect(Math.max(...counts.fused)).toBeLessThanOrEqual(2);
    }
  });

  test.each(['webgl', 'webgpu'])('%s: the update alone is 2 programs, also with a threshold per batch item', async (backend) => {
    for (const withThreshold of [false, true]) {
      const counts = await page.call<{ backend: string; programs: number }>('updatePrograms', backend, withThreshold);
      expect(counts).toEqual({ backend, programs: 2 });
    }
  });

  test.each<[string, object]>([
    ['ddim', { eta: 1 }],
    ['euler', { sChurn: 100 }],
    ['euler-ancestral', {}],
  ])('a step that draws its noise on the host adds only the upload (a program on webgl, a copy on webgpu): %s %j', async (name, options) => {
    const webgl = await page.call<{ fused: number[] }>('programsPerStep', 'webgl', name, options, 'drawn');
    const webgpu = await page.call<{ fused: number[] }>('programsPerStep', 'webgpu', name, options, 'drawn');
    console.log(`${name} drawn noise: webgl ${webgl.fused.join(', ')} programs per step, webgpu ${webgpu.fused.join(', ')}`);
    expect(Math.max(...webgl.fused)).toBeLessThanOrEqual(3);
    expect(Math.max(...webgpu.fused)).toBeLessThanOrEqual(2);
  });

  test('webgl: the update runs in the layout most of its inputs have on the GPU (the flag breaks ties), with the same numbers', async () => {
    const { cases, followsModel } = await page.call<{
      cases: Array<{ packing: boolean; inputs: string; programs: number; layoutPrograms: number; outputsPacked: boolean[]; difference: number }>;
      followsModel: { ownSamplePacked: boolean; outputsPacked: boolean[] };
    }>('layoutFollowsInputs');
    expect(cases).toHaveLength(10);
    for (const { packing, inputs, programs, layoutPrograms, outputsPacked, difference } of cases) {
      const packed = [...inputs].filter((layout) => layout === 'p').length;
      const unpacked = [...inputs].filter((layout) => layout === 'u').length;
      const expected = packed === unpacked ? packing : packed > unpacked;
      const where = { packing, inputs };
      expect({ ...where, outputsPacked }).toEqual({ ...where, outputsPacked: [expected, expected] });
      expect({ ...where, difference }).toEqual({ ...where, difference: 0 });
      if (packed === 3 || unpacked === 3) expect({ ...where, programs, layoutPrograms }).toEqual({ ...where, programs: 2, layoutPrograms: 0 });
    }
    // its own earlier output does not outvote the model's: no tie that keeps it unpacked
    expect(followsModel).toEqual({ ownSamplePacked: false, outputsPacked: [true, true] });
  });

  test.each(['webgl', 'webgpu', 'cpu'])('%s: the update makes its two tensors, a step two more, no read-back, no leak', async (backend) => {
    const result = await page.call<Record<string, unknown>>('tensorsAndReads', backend);
    expect(result).toEqual({ fused: true, madeByUpdate: 2, madeByUpdateAndStep: 4, reads: 0, leaked: 0, spySeesReads: true });
  });

  test.each(['webgl', 'webgpu', 'cpu'])("%s: Bumblebee's 10-step loops with the fused kernel, within 1e-4", async (backend) => {
    const result = await page.call<LoopsResult>('bumblebeeLoops', backend, {}, LOOPS.map((c) => c.options));
    expect(result.fused).toBe(true);
    expect(result.leaked).toBe(0);
    expectLoopsClose(result, 1e-4);
  });
});

(unavailable ? describe.skip : describe)('fused webgl kernel with half-float textures', () => {
  let page: TestPage;
  beforeAll(async () => {
    // A page of its own: the texture precision is fixed when the webgl backend starts.
    page = await openTestPage(PAGE);
  }, 60000);
  afterAll(() => page?.close());

  test("Bumblebee's 10-step loops stay within 5e-3 with WEBGL_FORCE_F16_TEXTURES", async () => {
    const result = await page.call<LoopsResult>('bumblebeeLoops', 'webgl', { WEBGL_FORCE_F16_TEXTURES: true }, LOOPS.map((c) => c.options));
    expect(result.f16).toBe(true);
    expect(result.fused).toBe(true);
    const worst = expectLoopsClose(result, 5e-3);
    console.log(`f16 textures: worst |error| / (1 + |expected|) = ${worst.toExponential(2)}`);
  });
});
