/**
 * The fused combination kernels against the op chain, case by case, on whatever backend is
 * active. Shared by the Node spec (cpu) and the Chromium page (webgl, webgpu, cpu): plain tfjs,
 * no Node built-ins.
 */
import * as tf from '@tensorflow/tfjs-core';
import { DdimScheduler, type DdimOptions } from 'tfjs-diffusion-schedulers';
import { combine } from '../../../src/kernels';
import { inputsOf, THRESHOLDS, weightedSum, type Combination } from '../../../src/kernels/combination';
import { combineOps } from '../../../src/kernels/combination_ops';
import type { DdimStepCoefficients } from '../../../src/schedulers/ddim/coefficients';
import { ddimPlan } from '../../../src/schedulers/ddim/plan';

/**
 * |fused - chain| <= 1e-6 * |chain| + 1e-6, element by element. The fused kernels evaluate the
 * chain's float32 operations in its order, so they agree bit for bit on cpu (the Node spec
 * asserts a largest difference of 0) and on SwiftShader's webgl and webgpu. The tolerance is
 * the bound asked of them anywhere: 1e-6 relative, and an absolute floor of 1e-6 (8 float32
 * ulps at 1) for outputs near 0, where a relative bound means nothing. A GPU that fuses a
 * multiply-add rounds one product less and can exceed the floor where terms of size 100
 * cancel (the first step of a run); that is a property of the hardware, not of the kernels.
 */
export const RELATIVE_TOLERANCE = 1e-6;
export const ABSOLUTE_FLOOR = 1e-6;

type PredictionType = 'noise' | 'angular_velocity' | 'sample';

/** A DDIM step's coefficients from alpha-bar a to a' (DDIM eqs. 12 and 16), written out independently of src. */
export function coefficientsFor(predictionType: PredictionType, a: number, aPrev: number, eta: number): DdimStepCoefficients {
  const sa = Math.sqrt(a);
  const s1a = Math.sqrt(1 - a);
  const linear = {
    noise: { denoisedFromSample: 1 / sa, denoisedFromPrediction: -s1a / sa, noiseFromSample: 0, noiseFromPrediction: 1 },
    angular_velocity: { denoisedFromSample: sa, denoisedFromPrediction: -s1a, noiseFromSample: s1a, noiseFromPrediction: sa },
    sample: { denoisedFromSample: 0, denoisedFromPrediction: 1, noiseFromSample: 1 / s1a, noiseFromPrediction: -sa / s1a },
  }[predictionType];
  const sigma = eta * Math.sqrt(((1 - aPrev) / (1 - a)) * (1 - a / aPrev));
  return {
    timestep: 0,
    prevTimestep: -1,
    alphaBar: a,
    alphaBarPrev: aPrev,
    ...linear,
    rederivedNoiseFromSample: 1 / s1a,
    rederivedNoiseFromDenoised: -sa / s1a,
    prevFromDenoised: Math.sqrt(aPrev),
    prevFromNoise: Math.sqrt(Math.max(0, 1 - aPrev - sigma * sigma)),
    sigma,
  };
}

export interface CombinationCase {
  readonly label: string;
  readonly shape: number[];
  readonly combination: Combination;
}

/** DDIM updates of real schedules: the first (noisiest) step, one in the middle, the last (to alpha-bar 1). */
function ddimCombinations(): Array<{ label: string; combination: Combination }> {
  const alphaBars = new DdimScheduler().alphaBars;
  const steps: Array<[string, number, number]> = [
    ['t=980', alphaBars[980], alphaBars[960]],
    ['t=500', alphaBars[500], alphaBars[480]],
    ['t=20 to 1', alphaBars[20], 1],
  ];
  const bounds: Array<[string, DdimOptions]> = [
    ['no clip', { clipDenoisedSample: false }],
    ['clip 1', {}],
    ['clip 0.3', { clipSampleRange: 0.3 }],
    ['clip 2.5', { clipSampleRange: 2.5 }],
    ['threshold', { thresholding: true }],
  ];
  const combinations = [];
  for (const predictionType of ['noise', 'angular_velocity', 'sample'] as const)
    for (const [step, a, aPrev] of steps)
      for (const eta of [0, 1])
        for (const [boundLabel, bound] of bounds)
          for (const rederiveNoise of [false, true]) {
            const options = new DdimScheduler({ ...bound, predictionType, eta, rederiveNoise }).options;
            const plan = ddimPlan(options, 0, coefficientsFor(predictionType, a, aPrev, eta));
            combinations.push({ label: `DDIM ${predictionType} ${step} eta=${eta} ${boundLabel} rederive=${rederiveNoise}`, combination: plan.combination });
          }
  return combinations;
}

/**
 * Shapes of the other schedulers' updates: PNDM's Runge-Kutta sum and 4th-order multistep
 * (five and six inputs), a three-output step (UniPC's corrected sample kept), a value read by
 * a later one through a clip, weights of exactly 1 and -1, an output that is an input as it
 * is, a value with no term.
 */
function otherCombinations(): Array<{ label: string; combination: Combination }> {
  const rk: Combination = {
    values: [
      weightedSum('eps', [['h0', 1 / 6], ['h1', 1 / 3], ['h2', 1 / 3], ['modelOutput', 1 / 6]]),
      weightedSum('prev', [['h3', 1.0204], ['eps', -0.0331]]),
      weightedSum('denoised', [['h3', 1.13], ['eps', -0.53]]),
    ],
    outputs: ['prev', 'denoised'],
  };
  const plms: Combination = {
    values: [
      weightedSum('sum', [['modelOutput', 55], ['h0', -59], ['h1', 37], ['h2', -9]]),
      weightedSum('eps', [['sum', 1 / 24], ['sample', 0.17]]),
      weightedSum('prev', [['sample', 1.0117], ['eps', -0.0297]]),
      weightedSum('denoised', [['sample', 1.3], ['eps', -0.8]], { kind: 'clip', range: 1 }),
    ],
    outputs: ['prev', 'denoised'],
  };
  const threeOutputs: Combination = {
    values: [
      weightedSum('denoised', [['sample', 1.7], ['modelOutput', -0.9]], { kind: 'threshold' }),
      weightedSum('corrected', [['h0', 0.93], ['denoised', 0.21], ['h1', -0.04], ['h2', 0.013]]),
      weightedSum('prev', [['corrected', 0.88], ['denoised', 0.4], ['h1', 0.02], ['noise', 0.31]]),
    ],
    outputs: ['prev', 'denoised', 'corrected'],
  };
  const edges: Combination = {
    values: [
      weightedSum('same', [['sample', 1]]),
      weightedSum('negated', [['modelOutput', -1], ['sample', 1]], { kind: 'clip', range: 0.5 }),
      weightedSum('nothing', []),
      weightedSum('uses', [['nothing', 3], ['negated', 2], ['same', 1]]),
    ],
    outputs: ['same', 'uses', 'negated'],
  };
  return [
    { label: 'PNDM Runge-Kutta', combination: rk },
    { label: 'PNDM 4th order, clipped x0', combination: plms },
    { label: 'three outputs, thresholded x0, noise', combination: threeOutputs },
    { label: 'weights 1 and -1, an input as output, an empty sum', combination: edges },
  ];
}

/** Odd sizes and ranks 1 to 5, a batch of 1, a single element. */
export const SHAPES = [[3, 5], [1], [7], [1, 5], [2, 3, 5, 7], [1, 4, 8, 8], [3, 1, 3, 5], [2, 2, 3, 2, 3]];

/** Every combination on the first shape; on each other shape, the combinations taken in turn, and every other one each time. */
export function combinationCases(): CombinationCase[] {
  const all = [...ddimCombinations(), ...otherCombinations()];
  const cases: CombinationCase[] = all.map(({ label, combination }) => ({ label: `[${SHAPES[0]}] ${label}`, shape: SHAPES[0], combination }));
  SHAPES.slice(1).forEach((shape, shapeIndex) => {
    all.forEach(({ label, combination }, i) => {
      if ((i + shapeIndex) % 8 === 0 || i >= all.length - 4) cases.push({ label: `[${shape}] ${label}`, shape, combination });
    });
  });
  return cases;
}

/** Standard normals for every input a case reads (the sample scaled by 1.5), s = 1, 1.4, 1.8, ... per batch item. */
export function caseInputs(testCase: CombinationCase, seed: number): Record<string, tf.Tensor> {
  const inputs: Record<string, tf.Tensor> = {};
  inputsOf(testCase.combination).forEach((name, i) => {
    inputs[name] =
      name === THRESHOLDS
        ? tf.tidy(() => tf.add(tf.mul(tf.range(0, testCase.shape[0], 1, 'float32'), 0.4), 1))
        : tf.tidy(() => tf.mul(tf.randomNormal(testCase.shape, 0, 1, 'float32', seed + i), name === 'sample' ? 1.5 : 1));
  });
  return inputs;
}

export interface AgreementReport {
  readonly backend: string;
  readonly cases: number;
  /** Largest |fused - chain| / (RELATIVE_TOLERANCE * |chain| + ABSOLUTE_FLOOR): at most 1 passes. */
  readonly worstRatio: number;
  readonly worstCase: string;
  /** Largest |fused - chain| seen. */
  readonly maxAbsoluteDifference: number;
  /** Cases with an element beyond the tolerance (at most 10 listed). */
  readonly failures: string[];
  /** Cases where `combine` made another number of tensors than its outputs. */
  readonly wrongTensorCounts: string[];
  readonly leakedTensors: number;
}

/** Runs every case through `combine` (the fused kernel) and `combineOps` (the chain) and compares every output. */
export async function checkAgreement(): Promise<AgreementReport> {
  const before = tf.memory().numTensors;
  const cases = combinationCases();
  let worstRatio = 0;
  let worstCase = '';
  let maxAbsoluteDifference = 0;
  const failures: string[] = [];
  const wrongTensorCounts: string[] = [];
  for (const [index, testCase] of cases.entries()) {
    const inputs = caseInputs(testCase, 17 * index);
    const beforeCall = tf.memory().numTensors;
    const fused = combine(testCase.combination, inputs);
    if (tf.memory().numTensors - beforeCall !== testCase.combination.outputs.length) wrongTensorCounts.push(testCase.label);
    const reference = tf.tidy(() => combineOps(testCase.combination, inputs).map((output) => tf.clone(output)));
    for (const [o, output] of testCase.combination.outputs.entries()) {
      const [actual, expected] = await Promise.all([fused[o].data(), reference[o].data()]);
      for (let i = 0; i < expected.length; i++) {
        const difference = Math.abs(actual[i] - expected[i]);
        const ratio = difference / (RELATIVE_TOLERANCE * Math.abs(expected[i]) + ABSOLUTE_FLOOR);
        // NaN (a difference that is not a number) counts as a failure.
        if (!(ratio <= worstRatio)) {
          worstRatio = Number.isNaN(ratio) ? Infinity : ratio;
          worstCase = `${testCase.label} ${output}[${i}]: ${actual[i]} vs ${expected[i]}`;
        }
        maxAbsoluteDifference = Math.max(maxAbsoluteDifference, difference);
        if (!(ratio <= 1) && failures.length < 10 && !failures.some((failure) => failure.startsWith(testCase.label))) {
          failures.push(`${testCase.label} ${output}[${i}]: ${actual[i]} vs ${expected[i]}`);
        }
      }
    }
    tf.dispose([...Object.values(inputs), ...fused, ...reference]);
  }
  return { backend: tf.getBackend(), cases: cases.length, worstRatio, worstCase, maxAbsoluteDifference, failures, wrongTensorCounts, leakedTensors: tf.memory().numTensors - before };
}
