// The mathematics of DpmSolverMultistepScheduler and UniPcMultistepScheduler on the host, in
// float64: every step's plan (weights, history, orders) against diffusers' step written out
// literally (helpers/diffusers_multistep.ts), the coefficients' limits, UniPC's order
// conditions, and the orders diffusers takes step by step. The device side (float32) is the
// parity suite's: __tests__/parity/cases/multistep.ts.
import '@tensorflow/tfjs-backend-cpu';
import { DpmSolverMultistepScheduler, UniPcMultistepScheduler, type DpmSolverOptions, type UniPcOptions } from 'tfjs-diffusion-schedulers';
import { dpmSolverUpdate } from '../src/schedulers/dpm_solver/coefficients';
import { dpmSolverOrders } from '../src/schedulers/dpm_solver/plan';
import { levelOf } from '../src/schedulers/multistep/levels';
import { multistepTimesteps } from '../src/schedule/multistep_timesteps';
import { solve, uniPcInterval } from '../src/schedulers/unipc/coefficients';
import { uniPcOrders } from '../src/schedulers/unipc/plan';
import { DiffusersDpm, DiffusersUniPc, type UniPcConfig } from './helpers/diffusers_multistep';
import { PlanInterpreter } from './helpers/plan_interpreter';

type AnyScheduler = DpmSolverMultistepScheduler | UniPcMultistepScheduler;

/** A 1-element run of the harness's model x * t / (t + 1) through our plans and through diffusers' step; the largest relative difference. */
function compareRun(scheduler: AnyScheduler, reference: { step(modelOutput: number, sample: number, noise: number): number }, numSteps: number, init: object = {}): number {
  const { state, timesteps } = scheduler.init(numSteps, [1], { seed: 0, ...init });
  timesteps.dispose();
  const plans = state.run.plans;
  state.dispose();
  const ours = new PlanInterpreter(plans);
  let x = 0.7;
  let expected = 0.7;
  let worst = 0;
  plans.forEach((plan, i) => {
    const noise = Math.sin(i + 1); // a fixed "draw" per step
    const t = plan.timestep;
    x = ours.step(i, x, (x * t) / (t + 1), noise).sample;
    expected = reference.step((expected * t) / (t + 1), expected, noise);
    worst = Math.max(worst, Math.abs(x - expected) / (1 + Math.abs(expected)));
  });
  expect(Number.isFinite(x)).toBe(true);
  return worst;
}

/** compareRun from step `start` against diffusers' step (`Reference`) on the scheduler's own options and sigmas. */
function againstDiffusers(scheduler: AnyScheduler, Reference: typeof DiffusersDpm | typeof DiffusersUniPc, numSteps: number, start = 0): number {
  const process = scheduler.options.sigmaSchedule === 'flow' ? 'flow' : 'vp';
  const reference = new Reference(scheduler.options as never, Array.from(scheduler.sigmasFor(numSteps)), process, start);
  return compareRun(scheduler, reference, numSteps, { startIndex: start });
}

const ALGORITHMS = ['dpmsolver++', 'sde-dpmsolver++', 'dpmsolver', 'sde-dpmsolver'] as const;
const dpmCases: DpmSolverOptions[] = [];
for (const algorithmType of ALGORITHMS)
  for (const solverOrder of [1, 2, 3] as const)
    for (const solverType of ['midpoint', 'heun'] as const)
      for (const predictionType of ['noise', 'angular_velocity', 'sample'] as const) {
        if (algorithmType === 'sde-dpmsolver' && solverOrder === 3) continue;
        dpmCases.push({ algorithmType, solverOrder, solverType, predictionType, finalSigmasType: algorithmType.endsWith('++') ? 'zero' : 'sigma_min' });
      }
dpmCases.push(
  { sigmaSchedule: 'karras', solverOrder: 3, lowerOrderFinal: false },
  { sigmaSchedule: 'lu_lambdas', eulerAtFinal: true },
  { sigmaSchedule: 'beta', solverOrder: 3 },
  { sigmaSchedule: 'flow', flowShift: 3, predictionType: 'flow', solverOrder: 3 },
  { sigmaSchedule: 'flow', flowShift: 3, predictionType: 'flow', algorithmType: 'sde-dpmsolver++', finalSigmasType: 'sigma_min' },
  { timestepSpacing: 'trailing', rescaleBetasZeroSnr: true, predictionType: 'angular_velocity', solverOrder: 3 },
);

describe('DPM-Solver plans against diffusers step, float64', () => {
  test.each(dpmCases.flatMap((options) => [7, 12, 20].map((numSteps) => [JSON.stringify(options), numSteps, options] as const)))('%s, %d steps', (_, numSteps, options) => {
    expect(againstDiffusers(new DpmSolverMultistepScheduler(options), DiffusersDpm, numSteps)).toBeLessThan(1e-11);
  });

  test('a run from a later step starts its history there (img2img)', () => {
    expect(againstDiffusers(new DpmSolverMultistepScheduler({ solverOrder: 3 }), DiffusersDpm, 10, 4)).toBeLessThan(1e-11);
  });
});

const uniPcCases: UniPcOptions[] = [];
for (const solverType of ['bh1', 'bh2'] as const)
  for (const solverOrder of [1, 2, 3] as const)
    for (const predictX0 of [true, false])
      for (const predictionType of ['noise', 'angular_velocity', 'sample'] as const) uniPcCases.push({ solverType, solverOrder, predictX0, predictionType, finalSigmasType: 'sigma_min' });
uniPcCases.push(
  { solverOrder: 3, lowerOrderFinal: false, finalSigmasType: 'sigma_min' },
  { solverOrder: 3, disableCorrector: [0, 3, 4] },
  { solverOrder: 2, disableCorrector: [1], sigmaSchedule: 'karras', finalSigmasType: 'sigma_min' },
  { sigmaSchedule: 'exponential', solverOrder: 3 },
  { sigmaSchedule: 'flow', flowShift: 3, predictionType: 'flow', solverOrder: 3 },
  { sigmaSchedule: 'flow', flowShift: 5, predictionType: 'flow', shiftTerminal: 0.2, finalSigmasType: 'sigma_min' },
);

describe('UniPC plans (the corrector from the step\'s own sample) against diffusers step (its last_sample), float64', () => {
  test.each(uniPcCases.flatMap((options) => [6, 10, 18].map((numSteps) => [JSON.stringify(options), numSteps, options] as const)))('%s, %d steps', (_, numSteps, options) => {
    expect(againstDiffusers(new UniPcMultistepScheduler(options), DiffusersUniPc, numSteps)).toBeLessThan(1e-11);
  });

  test.each([
    ['bh1', true],
    ['bh2', true],
    ['bh1', false],
    ['bh2', false],
  ] as const)('%s, predictX0 %s, to a final sigma of 0 (diffusers: NaN for bh1 or the noise prediction): the limit of diffusers\' step as the final sigma goes to 0', (solverType, predictX0) => {
    const scheduler = new UniPcMultistepScheduler({ solverType, predictX0 });
    const sigmas = Array.from(scheduler.sigmasFor(10));
    expect(sigmas[10]).toBe(0);
    const nearlyZero = [...sigmas.slice(0, 10), 1e-12];
    expect(compareRun(scheduler, new DiffusersUniPc(scheduler.options as unknown as UniPcConfig, nearlyZero, 'vp'), 10)).toBeLessThan(1e-9);
  });

  test('a run from a later step starts its history and its corrector there', () => {
    expect(againstDiffusers(new UniPcMultistepScheduler({ solverOrder: 3 }), DiffusersUniPc, 10, 5)).toBeLessThan(1e-11);
  });
});

describe('coefficients', () => {
  const vp = (sigma: number) => levelOf('vp', sigma);

  test('a step between two equal sigmas is x itself, at every order (diffusers: NaN at order 3)', () => {
    for (const algorithm of ALGORITHMS)
      for (const order of [1, 2, 3] as const) {
        if (algorithm === 'sde-dpmsolver' && order === 3) continue;
        const update = dpmSolverUpdate(algorithm, 'heun', order, vp(0.5), [vp(0.5), vp(0.9), vp(2)]);
        expect([update.sample, update.d0, update.d1, update.d2, update.noise]).toEqual([1, 0, 0, 0, 0]);
      }
  });

  test('to sigma 0 the data-prediction step lands on x0 (DDIM to alpha-bar 1)', () => {
    for (const algorithm of ['dpmsolver++', 'sde-dpmsolver++'] as const) {
      const update = dpmSolverUpdate(algorithm, 'midpoint', 1, levelOf('vp', 0), [vp(0.3)]);
      expect([update.sample, update.d0, update.noise]).toEqual([0, 1, 0]);
    }
    const flow = dpmSolverUpdate('dpmsolver++', 'midpoint', 1, levelOf('flow', 0), [levelOf('flow', 0.2)]);
    expect([flow.sample, flow.d0]).toEqual([0, 1]);
  });

  /** phi_k(x) = sum_j x^j / (j + k)! (arXiv 2302.04867, eq. 5), by its series. */
  function phi(k: number, x: number): number {
    let sum = 0;
    let term = 1;
    for (let j = 1; j <= k; j++) term /= j;
    for (let j = 0; j < 40; j++) {
      sum += term;
      term *= x / (j + k + 1);
    }
    return sum;
  }

  test('UniPC: the rhos solve the order conditions R rho = b, b_i = i! hh phi_(i+1)(hh) / B(h); order 2 predicts with 1/2, order 1 corrects with 1/2', () => {
    const target = vp(0.4);
    const earlier = [vp(0.8), vp(1.7), vp(3.5)];
    for (const predictX0 of [true, false])
      for (const solverType of ['bh1', 'bh2'] as const) {
        const h = target.lambda - earlier[0].lambda;
        const hh = predictX0 ? -h : h;
        const bH = solverType === 'bh1' ? hh : Math.expm1(hh);
        const b = [1, 2, 3].map((i) => (phi(i + 1, hh) * hh * [1, 1, 2, 6][i]) / bH);
        const third = uniPcInterval(predictX0, solverType, target, earlier);
        const rks = [...third.inverseRks.map((inverse) => 1 / inverse), 1];
        expect(rks.slice(0, 2).map((r, k) => r - (earlier[k + 1].lambda - earlier[0].lambda) / h)).toEqual([0, 0]);
        const residual = (rhos: readonly number[], size: number) => [...Array(size).keys()].map((power) => rhos.reduce((sum, rho, k) => sum + rks[k] ** power * rho, 0) - b[power]);
        residual(third.rhosC, 3).forEach((r) => expect(Math.abs(r)).toBeLessThan(1e-12));
        // The predictor's order 3 conditions hold on the first two earlier outputs, without the one at t.
        const predictorRks = rks.slice(0, 2);
        [0, 1].forEach((power) => expect(Math.abs(third.rhosP.reduce((sum, rho, k) => sum + predictorRks[k] ** power * rho, 0) - b[power])).toBeLessThan(1e-12));
        expect(uniPcInterval(predictX0, solverType, target, earlier.slice(0, 2)).rhosP).toEqual([0.5]);
        expect(uniPcInterval(predictX0, solverType, target, earlier.slice(0, 1)).rhosC).toEqual([0.5]);
      }
  });

  test('solve refuses a singular system', () => {
    expect(() => solve([[1, 1], [1, 1]], [1, 2])).toThrow(/singular/);
  });
});

describe('orders per step, as diffusers decides them', () => {
  const dpm = (options: DpmSolverOptions) => new DpmSolverMultistepScheduler(options).options;
  test.each<[string, DpmSolverOptions, number, number, number, number[]]>([
    ['order 2, lowerOrderFinal below 15 steps', { lowerOrderFinal: true, finalSigmasType: 'sigma_min' }, 5, 0, 0.03, [1, 2, 2, 2, 1]],
    ['order 3, lowerOrderFinal below 15 steps', { solverOrder: 3, lowerOrderFinal: true, finalSigmasType: 'sigma_min' }, 6, 0, 0.03, [1, 2, 3, 3, 2, 1]],
    ['order 3 at 15 steps: no lower final orders', { solverOrder: 3, lowerOrderFinal: true, finalSigmasType: 'sigma_min' }, 15, 0, 0.03, [1, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3]],
    ['a final sigma of 0 forces a first-order last step', { solverOrder: 3, lowerOrderFinal: false }, 15, 0, 0, [1, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 1]],
    ['eulerAtFinal', { eulerAtFinal: true, lowerOrderFinal: false, finalSigmasType: 'sigma_min' }, 4, 0, 0.03, [1, 2, 2, 1]],
    ['from step 3 on, the warm-up starts again', { solverOrder: 3, lowerOrderFinal: false, finalSigmasType: 'sigma_min' }, 8, 3, 0.03, [1, 2, 3, 3, 3]],
  ])('DPM-Solver: %s', (_, options, numSteps, start, finalSigma, expected) => {
    expect(dpmSolverOrders(dpm(options), numSteps, start, finalSigma)).toEqual(expected);
  });

  test.each<[string, UniPcOptions, number, number, number[], number[]]>([
    ['order 3 with lowerOrderFinal', { solverOrder: 3 }, 6, 0, [1, 2, 3, 3, 2, 1], [0, 1, 2, 3, 3, 2]],
    ['order 3 without', { solverOrder: 3, lowerOrderFinal: false }, 5, 0, [1, 2, 3, 3, 3], [0, 1, 2, 3, 3]],
    ['disableCorrector [1, 2]', { disableCorrector: [1, 2] }, 5, 0, [1, 2, 2, 2, 1], [0, 1, 0, 0, 2]],
    ['from step 2 on', { solverOrder: 3 }, 7, 2, [1, 2, 3, 2, 1], [0, 1, 2, 3, 2]],
  ])('UniPC: %s', (_, options, numSteps, start, predictor, corrector) => {
    expect(uniPcOrders(new UniPcMultistepScheduler(options).options, numSteps, start)).toEqual({ predictor, corrector });
  });
});

describe('multistepTimesteps', () => {
  test.each<[string, number, number, number, number[]]>([
    ['linspace', 10, 0, 1000, [999, 899, 799, 699, 599, 500, 400, 300, 200, 100]],
    ['leading', 10, 1, 1000, [901, 811, 721, 631, 541, 451, 361, 271, 181, 91]],
    ['trailing', 10, 0, 1000, [999, 899, 799, 699, 599, 499, 399, 299, 199, 99]],
    // numpy's arange makes 4 values for 3 steps (diffusers then steps at -1): the first 3.
    ['trailing', 3, 0, 1000, [999, 666, 332]],
    ['linspace', 10, 0, 996, [995, 896, 796, 696, 597, 498, 398, 298, 199, 100]],
  ])('%s, %d steps, offset %d, from %d', (spacing, numSteps, offset, last, expected) => {
    expect(Array.from(multistepTimesteps(spacing as 'linspace', 1000, numSteps, offset, last))).toEqual(expected);
  });
});
