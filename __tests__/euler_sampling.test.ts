// Euler and Euler ancestral through sample() and addNoise: diffusers' pipeline runs of the
// fixtures (start noise scaled by the run's init_noise_sigma, the model on scale_model_input) and
// its test_full_loop_with_noise through sample()'s image start; the forward process at a run's
// timesteps; the start-noise std before and after set_timesteps; the model input's level.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import eulerFixture from '../fixtures/diffusers/euler.json';
import ancestralFixture from '../fixtures/diffusers/euler_ancestral.json';
import { EulerAncestralScheduler, EulerScheduler, sample, type TorchGenerator } from 'tfjs-diffusion-schedulers';
import { caseNoise, f32, type DiffusersCase, type DiffusersFixture } from './helpers/fixture_arrays';
import { deterministicNoise, deterministicSample, referenceDenoiser } from './helpers/harness';

const FIXTURES: Record<string, DiffusersFixture> = {
  euler: eulerFixture as unknown as DiffusersFixture,
  euler_ancestral: ancestralFixture as unknown as DiffusersFixture,
};

/** The parity suite's tolerance for these fixtures (__tests__/parity/cases/euler.ts). */
const TOLERANCE = { abs: 1e-5, rel: 1e-5 };

beforeAll(() => tf.setBackend('cpu'));

function schedulerOf(family: string, recorded: DiffusersCase): EulerScheduler | EulerAncestralScheduler {
  const config = { _class_name: recorded.class, ...recorded.config };
  const churn = recorded.step_kwargs as { s_churn?: number; s_tmin?: number; s_tmax?: number };
  return family === 'euler'
    ? EulerScheduler.fromDiffusersConfig(config, { sChurn: churn.s_churn, sTmin: churn.s_tmin, sTmax: churn.s_tmax })
    : EulerAncestralScheduler.fromDiffusersConfig(config);
}

/**
 * A stand-in for torch's generator that hands sample() what diffusers' harness used: first the
 * start (diffusers' dummy_sample_deter, or dummy_noise_deter for an image start), then the
 * case's recorded step draws in order.
 */
function replayGenerator(start: tf.Tensor, draws: Float32Array[]): TorchGenerator {
  let next = 0;
  return {
    seed: 0,
    randn: () => tf.clone(start),
    randnValues: () => draws[next++],
  } as unknown as TorchGenerator;
}


function misses(actual: ArrayLike<number>, expected: Float32Array): string[] {
  return Array.from(expected).flatMap((x, i) => (Math.abs(actual[i] - x) <= TOLERANCE.abs + TOLERANCE.rel * Math.abs(x) ? [] : [`[${i}] ${actual[i]} vs ${x}`]));
}

describe("sample() reproduces diffusers' pipeline runs", () => {
  test.each([
    ['euler', 'default'],
    ['euler', 'karras'],
    ['euler', 'leading_steps_offset_1'],
    ['euler', 'churn'],
    ['euler', 'rescale_betas_zero_snr_trailing_v_prediction'],
    ['euler', 'with_noise'],
    ['euler', 'with_noise_t_start_5'],
    ['euler_ancestral', 'default'],
    ['euler_ancestral', 'sd_turbo_steps_4'],
    ['euler_ancestral', 'with_noise'],
  ])('%s %s', async (family, name) => {
    const fixture = FIXTURES[family];
    const recorded = fixture.cases.find((entry) => entry.name === name)!;
    const scheduler = schedulerOf(family, recorded);
    const numSteps = recorded.num_inference_steps!;
    const shape = recorded.shape;
    const draws = caseNoise(fixture, recorded).map(({ values }) => values);
    const before = tf.memory().numTensors;
    let result: tf.Tensor;
    if (recorded.loop === 'with_noise') {
      // test_full_loop_with_noise: the image is dummy_sample_deter * init_noise_sigma, noised with
      // dummy_noise_deter at the timestep t_start of the run; strength picks t_start.
      const [deterministic, noise] = [deterministicSample(shape), deterministicNoise(shape)];
      const image = tf.mul(deterministic, Math.max(...scheduler.sigmasFor(numSteps)));
      const strength = (numSteps - recorded.t_start!) / numSteps;
      result = await sample(scheduler, referenceDenoiser, { numSteps, image, strength, generator: replayGenerator(noise, draws) });
      tf.dispose([deterministic, noise, image]);
    } else {
      const start = deterministicSample(shape);
      result = await sample(scheduler, referenceDenoiser, { numSteps, shape, generator: replayGenerator(start, draws) });
      start.dispose();
    }
    expect(misses(result.dataSync(), f32(recorded.final_sample))).toEqual([]);
    result.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('addNoise: x0 + sigma(t) noise', () => {
  test.each([
    ['default', {}],
    ['leading', { timestepSpacing: 'leading' as const, timestepsOffset: 1 }],
    ['karras', { sigmaSchedule: 'karras' as const }],
    ['exponential, trailing', { sigmaSchedule: 'exponential' as const, timestepSpacing: 'trailing' as const }],
    ['continuous v', { timestepType: 'continuous' as const, predictionType: 'angular_velocity' as const }],
  ])("%s: at a run's timesteps, the run's sigmas, on the host and on the device", (_, options) => {
    const scheduler = new EulerScheduler(options);
    const { state, timesteps } = scheduler.init(10, [10, 1]);
    const sigmas = scheduler.sigmasFor(10).subarray(0, 10);
    const original = tf.zeros([10, 1]);
    const noise = tf.ones([10, 1]);
    const host = scheduler.addNoise(original, noise, Array.from(timesteps.dataSync()));
    const device = scheduler.addNoise(original, noise, timesteps);
    const relative = (values: ArrayLike<number>) => Math.max(...Array.from(sigmas, (sigma, i) => Math.abs(values[i] - sigma) / sigma));
    // The default schedule's sigma(t) is the same np.interp: exact. The others invert
    // _sigma_to_t or 0.25 log sigma, to float32 rounding (the device computes in float32).
    if (scheduler.options.sigmaSchedule === 'default' && scheduler.options.timestepType === 'discrete') expect(Array.from(host.dataSync())).toEqual(Array.from(sigmas));
    expect(relative(host.dataSync())).toBeLessThan(3e-6);
    expect(relative(device.dataSync())).toBeLessThan(3e-6);
    tf.dispose([original, noise, host, device, timesteps]);
    state.dispose();
  });

  test('every item gets its own timestep; a device timestep out of range gives NaN for its item', () => {
    const scheduler = new EulerAncestralScheduler();
    const original = tf.tensor2d([[1, 2], [3, 4], [5, 6]]);
    const noise = tf.ones([3, 2]);
    const sigmaAt = (t: number) => {
      const x = tf.zeros([1, 1]);
      const one = tf.ones([1, 1]);
      const y = scheduler.addNoise(x, one, [t]);
      const value = y.dataSync()[0];
      tf.dispose([x, one, y]);
      return value;
    };
    const noised = scheduler.addNoise(original, noise, [0, 500.5, 999]);
    expect(Array.from(noised.dataSync())).toEqual([1, 2, 3, 4, 5, 6].map((x, i) => Math.fround(x + sigmaAt([0, 500.5, 999][Math.floor(i / 2)]))));
    const deviceTimesteps = tf.tensor1d([-1, 500.5, 1000]);
    const device = scheduler.addNoise(original, noise, deviceTimesteps);
    const values = device.dataSync();
    expect([Number.isNaN(values[0]), Number.isNaN(values[2]), Number.isNaN(values[4])]).toEqual([true, false, true]);
    expect(Math.abs(values[2] - (3 + sigmaAt(500.5))) / sigmaAt(500.5)).toBeLessThan(1e-6);
    tf.dispose([original, noise, noised, deviceTimesteps, device]);
  });
});

describe('the start noise and the model input', () => {
  test("initNoiseSigma before set_timesteps is diffusers': the largest training sigma, or sqrt(sigma^2 + 1) for 'leading'", () => {
    const scheduler = new EulerScheduler({ numTrainSteps: 1100 });
    expect(scheduler.initNoiseSigma).toBe(Math.fround(261.0555725097656));
    const leading = new EulerAncestralScheduler({ numTrainSteps: 1100, timestepSpacing: 'leading', timestepsOffset: 1 });
    expect(leading.initNoiseSigma).toBe(Math.fround(Math.sqrt(Math.fround(Math.fround(261.0555725097656 ** 2) + 1))));
    // A run's own (diffusers' after set_timesteps, fixture leading_steps_offset_1) starts from its own largest sigma.
    const { state, timesteps } = leading.init(10, [1]);
    expect(state.initNoiseSigma).toBeCloseTo(92.49356, 4);
    expect(state.initNoiseSigma).toBeLessThan(leading.initNoiseSigma);
    tf.dispose(timesteps);
    state.dispose();
  });

  test('the model input is x / sqrt(sigma^2 + 1), which puts x0 + sigma eps on the DDPM process alpha x0 + sigma\' eps', () => {
    const scheduler = new EulerScheduler({ sigmaSchedule: 'karras' });
    const sigmas = scheduler.sigmasFor(5);
    const { state, timesteps } = scheduler.init(5, [2, 3]);
    const x0 = tf.tensor2d([[0.5, -1, 2], [0, 0.25, -0.75]]);
    const eps = tf.tensor2d([[1, 0.5, -0.5], [-2, 1, 0.1]]);
    const x = tf.add(x0, tf.mul(eps, sigmas[0]));
    const input = scheduler.scaleModelInput(state, x);
    const { alpha, sigma } = state.noiseLevel!;
    expect(alpha).toBeCloseTo(1 / Math.sqrt(sigmas[0] ** 2 + 1), 12);
    expect(sigma).toBeCloseTo(sigmas[0] / Math.sqrt(sigmas[0] ** 2 + 1), 12);
    const expected = tf.add(tf.mul(x0, alpha), tf.mul(eps, sigma));
    expect(Math.max(...Array.from(tf.sub(input, expected).dataSync(), Math.abs))).toBeLessThan(1e-6);
    tf.dispose([x0, eps, x, input, expected, timesteps]);
    state.dispose();
  });
});
