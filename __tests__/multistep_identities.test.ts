// Identities that hold to float32 rounding, on every Node backend: DPM-Solver++ of order 1 is
// DDIM with eta 0 (arXiv 2211.01095, section 4: "DPM-Solver++1 ... is DDIM"), and so is the
// order-1 DPM-Solver in its noise form (arXiv 2206.00927, section 4.1); UniPC's predictor of
// order 1 without its corrector is DDIM too (arXiv 2302.04867, section 3.2), in both its data
// and its noise form. Each runs on DDIM's own timesteps (custom timesteps or sigmas).
import * as tf from '@tensorflow/tfjs-core';
import { DdimScheduler, DpmSolverMultistepScheduler, UniPcMultistepScheduler, type Scheduler } from 'tfjs-diffusion-schedulers';
import { NODE_BACKENDS, useBackend } from './helpers/backends';
import { dummySampleDeter } from './helpers/harness';

const NUM_STEPS = 10;
/** A model whose x0 is not the sample: prediction = sin(x) * t / 1000 + 0.1 x. */
const model = (x: tf.Tensor, t: number) => tf.tidy(() => tf.add(tf.mul(tf.sin(x), t / 1000), tf.mul(x, 0.1)));

/** A whole run from diffusers' dummy sample with `init`'s options; leaves only its result. */
function run(scheduler: Scheduler, init: object = {}): tf.Tensor {
  const { state: first, timesteps } = scheduler.init(NUM_STEPS, [4, 3, 8, 8], { seed: 0, ...init });
  timesteps.dispose();
  let state = first;
  let sample = dummySampleDeter();
  while (state.timestep !== undefined) {
    const prediction = model(sample, state.timestep);
    const out = scheduler.step(state, sample, prediction);
    tf.dispose([sample, prediction, out.denoised]);
    ({ state, sample } = out);
  }
  state.dispose();
  return sample;
}

/** The largest |a - b| / (1 + |b|) over every element; disposes both. */
async function worstDifference(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  const [x, y] = await Promise.all([a.data<'float32'>(), b.data<'float32'>()]);
  tf.dispose([a, b]);
  return x.reduce((worst, value, i) => Math.max(worst, Math.abs(value - y[i]) / (1 + Math.abs(y[i]))), 0);
}

/** DDIM's 10 timesteps ('leading': 900, 800, ..., 0). */
function ddimTimesteps(): number[] {
  const { state, timesteps } = new DdimScheduler().init(NUM_STEPS, [1]);
  const values = Array.from(timesteps.dataSync());
  timesteps.dispose();
  state.dispose();
  return values;
}

/**
 * Float32 rounding: the two compute the same numbers through different float32 operations (x0
 * from alpha and sigma_t of the sigma, or from alpha-bar). The first step divides by alpha_900
 * = 0.035, which turns an ulp of its terms into ~1e-6 of the result: measured at most 1.1e-6
 * (UniPC), 9.8e-7 (DPM-Solver) on cpu and wasm; the bound is 4 such ulps.
 */
const FLOAT32_ROUNDING = 4e-6;

describe.each(NODE_BACKENDS)('on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  test.each([
    ['DPM-Solver++ (data prediction), to alpha-bar 1', 'dpmsolver++', 'zero', 'one'],
    ['DPM-Solver (noise prediction), to alpha-bar_0', 'dpmsolver', 'sigma_min', 'alpha_zero'],
  ] as const)('%s, of order 1, is DDIM with eta 0 on the same timesteps', async (_, algorithmType, finalSigmasType, alphaClipStrategy) => {
    for (const predictionType of ['noise', 'angular_velocity', 'sample'] as const) {
      const before = tf.memory().numTensors;
      const ddim = run(new DdimScheduler({ predictionType, alphaClipStrategy, clipDenoisedSample: false }));
      const dpm = run(new DpmSolverMultistepScheduler({ algorithmType, finalSigmasType, predictionType, solverOrder: 1 }), { timesteps: ddimTimesteps() });
      expect(await worstDifference(dpm, ddim)).toBeLessThan(FLOAT32_ROUNDING);
      expect(tf.memory().numTensors).toBe(before);
    }
  });

  test.each([
    ['data prediction (predictX0)', true],
    ['noise prediction', false],
  ] as const)("UniPC's predictor of order 1 without its corrector, %s, is DDIM with eta 0 on the same timesteps", async (_, predictX0) => {
    const finalSigmasType = predictX0 ? 'zero' : 'sigma_min';
    // DDIM's timesteps as sigmas: the training sigma of each, and the final one.
    const sigmas = new DpmSolverMultistepScheduler({ finalSigmasType, algorithmType: predictX0 ? 'dpmsolver++' : 'dpmsolver' }).sigmasFor(NUM_STEPS, { timesteps: ddimTimesteps() });
    for (const solverType of ['bh1', 'bh2'] as const) {
      const ddim = run(new DdimScheduler({ clipDenoisedSample: false, alphaClipStrategy: predictX0 ? 'one' : 'alpha_zero' }));
      const unipc = new UniPcMultistepScheduler({ solverOrder: 1, solverType, predictX0, disableCorrector: [...Array(NUM_STEPS).keys()] });
      expect(await worstDifference(run(unipc, { sigmas }), ddim)).toBeLessThan(FLOAT32_ROUNDING);
    }
  });
});
