// Euler and Euler ancestral schedules against diffusers (fixtures/diffusers/euler*.json): every
// case's model timesteps, sigmas and init_noise_sigma. Timesteps that diffusers computes with
// arithmetic alone (the spacings, custom timesteps) are equal to the bit. Where a value passes
// through a square root, log or exp, diffusers' CPU libraries are not correctly rounded (torch's
// float32 sqrt, log and exp go through MKL's "high accuracy" VML, off by one ulp for about one
// value in six; numpy's float32 SIMD log by up to 3 ulps), while ours are: those values (the
// sigmas, and the timesteps _sigma_to_t derives from log sigmas) agree within 1e-6 relative,
// 8 float32 ulps. The largest measured: 1 ulp for the sigmas (7 after a zero-SNR rescale,
// which diffusers runs in float32 and we in float64), 4 ulps for a timestep (custom_sigmas,
// where numpy's log of 0.0878 is 2 ulps off).
import '@tensorflow/tfjs-backend-cpu';
import eulerFixture from '../fixtures/diffusers/euler.json';
import ancestralFixture from '../fixtures/diffusers/euler_ancestral.json';
import { EulerAncestralScheduler, EulerScheduler } from 'tfjs-diffusion-schedulers';
import type { DiffusersCase, DiffusersFixture } from './helpers/fixture_arrays';

const euler = eulerFixture as unknown as DiffusersFixture;
const ancestral = ancestralFixture as unknown as DiffusersFixture;

const RELATIVE = 1e-6;

function build(family: 'euler' | 'euler_ancestral', recorded: DiffusersCase) {
  const config = { _class_name: recorded.class, ...recorded.config };
  return family === 'euler' ? EulerScheduler.fromDiffusersConfig(config) : EulerAncestralScheduler.fromDiffusersConfig(config);
}

/** numSteps and the init options of a case's set_timesteps arguments. */
function runOf(recorded: DiffusersCase): { numSteps: number; init: { sigmas?: number[]; timesteps?: number[] } } {
  const { sigmas, timesteps } = recorded.set_timesteps_kwargs as { sigmas?: number[]; timesteps?: number[] };
  if (sigmas) return { numSteps: sigmas.length - 1, init: { sigmas } };
  if (timesteps) return { numSteps: timesteps.length, init: { timesteps } };
  return { numSteps: recorded.num_inference_steps!, init: {} };
}

/** Whether diffusers derives the case's timesteps from log sigmas (Karras, exponential, beta, custom sigmas, continuous). */
function timestepsFromSigmas(recorded: DiffusersCase): boolean {
  const config = recorded.config as Record<string, unknown>;
  const placed = config.use_karras_sigmas === true || config.use_exponential_sigmas === true || config.use_beta_sigmas === true;
  const continuous = config.timestep_type === 'continuous' && config.prediction_type === 'v_prediction';
  return placed || continuous || 'sigmas' in recorded.set_timesteps_kwargs;
}

function relativeMisses(actual: ArrayLike<number>, expected: readonly number[]): string[] {
  if (actual.length !== expected.length) return [`${actual.length} values, not ${expected.length}`];
  return expected.flatMap((x, i) => (Math.abs(actual[i] - x) <= RELATIVE * Math.abs(x) ? [] : [`[${i}] ${actual[i]} vs ${x}`]));
}

describe.each([
  ['euler', euler],
  ['euler_ancestral', ancestral],
] as const)('%s', (family, fixture) => {
  test.each(fixture.cases.map((recorded) => [recorded.name, recorded] as const))('%s: timesteps, sigmas and init_noise_sigma as diffusers', (_, recorded) => {
    const scheduler = build(family, recorded);
    const { numSteps, init } = runOf(recorded);
    const { state, timesteps } = scheduler.init(numSteps, recorded.shape, init);
    const values = Array.from(timesteps.dataSync());
    expect(timesteps.dtype).toBe('float32');
    if (timestepsFromSigmas(recorded)) expect(relativeMisses(values, recorded.timesteps)).toEqual([]);
    else expect(values).toEqual(recorded.timesteps);
    expect(relativeMisses(scheduler.sigmasFor(numSteps, init), recorded.sigmas!)).toEqual([]);
    expect(relativeMisses([state.initNoiseSigma], [recorded.init_noise_sigma])).toEqual([]);
    timesteps.dispose();
    state.dispose();
  });
});
