/**
 * The fused DDIM update against the op chain, case by case, on whatever backend is active.
 * Shared by the Node spec (cpu) and the Chromium page (webgl, webgpu, cpu): plain tfjs,
 * no Node built-ins.
 */
import * as tf from '@tensorflow/tfjs-core';
import { DdimScheduler } from 'tfjs-diffusion-schedulers';
import { fusedDdimUpdate } from '../../../src/kernels';
import { ddimUpdateOps, type DdimUpdateCoefficients, type DdimUpdateFlags, type DdimUpdateInputs } from '../../../src/schedulers/ddim_update';

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

/** The update's coefficients for a step from alpha-bar a to a' (DDIM eqs. 12 and 16), written out independently of src. */
export function coefficientsFor(predictionType: PredictionType, a: number, aPrev: number, eta: number): DdimUpdateCoefficients {
  const sa = Math.sqrt(a);
  const s1a = Math.sqrt(1 - a);
  const linear = {
    noise: { denoisedFromSample: 1 / sa, denoisedFromPrediction: -s1a / sa, noiseFromSample: 0, noiseFromPrediction: 1 },
    angular_velocity: { denoisedFromSample: sa, denoisedFromPrediction: -s1a, noiseFromSample: s1a, noiseFromPrediction: sa },
    sample: { denoisedFromSample: 0, denoisedFromPrediction: 1, noiseFromSample: 1 / s1a, noiseFromPrediction: -sa / s1a },
  }[predictionType];
  const sigma = eta * Math.sqrt(((1 - aPrev) / (1 - a)) * (1 - a / aPrev));
  return {
    ...linear,
    rederivedNoiseFromSample: 1 / s1a,
    rederivedNoiseFromDenoised: -sa / s1a,
    prevFromDenoised: Math.sqrt(aPrev),
    prevFromNoise: Math.sqrt(Math.max(0, 1 - aPrev - sigma * sigma)),
    sigma,
  };
}

export interface UpdateCase {
  readonly label: string;
  readonly shape: number[];
  readonly coefficients: DdimUpdateCoefficients;
  readonly flags: DdimUpdateFlags;
  readonly withNoise: boolean;
  readonly withThreshold: boolean;
}

/** Steps of real schedules: the first (noisiest), one in the middle, the last (to alpha-bar 1). */
function coefficientSets(): Array<{ label: string; coefficients: DdimUpdateCoefficients }> {
  const alphaBars = new DdimScheduler().alphaBars;
  const steps: Array<[string, number, number]> = [
    ['t=980', alphaBars[980], alphaBars[960]],
    ['t=500', alphaBars[500], alphaBars[480]],
    ['t=20 to 1', alphaBars[20], 1],
  ];
  const sets = [];
  for (const predictionType of ['noise', 'angular_velocity', 'sample'] as const)
    for (const [step, a, aPrev] of steps)
      for (const eta of [0, 1]) sets.push({ label: `${predictionType} ${step} eta=${eta}`, coefficients: coefficientsFor(predictionType, a, aPrev, eta) });
  return sets;
}

const BOUNDS: Array<{ label: string; clipRange: number | null; withThreshold: boolean }> = [
  { label: 'no clip', clipRange: null, withThreshold: false },
  { label: 'clip 1', clipRange: 1, withThreshold: false },
  { label: 'clip 0.3', clipRange: 0.3, withThreshold: false },
  { label: 'clip 2.5', clipRange: 2.5, withThreshold: false },
  { label: 'threshold', clipRange: 1, withThreshold: true },
];

/** Odd sizes and ranks 1 to 5, a batch of 1, a single element. */
export const SHAPES = [[3, 5], [1], [7], [1, 5], [2, 3, 5, 7], [1, 4, 8, 8], [3, 1, 3, 5], [2, 2, 3, 2, 3]];

/**
 * Every combination of coefficient set, bound, re-derived noise and injected noise on the first
 * shape; on each other shape, every combination of bound, re-derivation and noise with the
 * coefficient sets taken in turn.
 */
export function updateCases(): UpdateCase[] {
  const cases: UpdateCase[] = [];
  const sets = coefficientSets();
  let turn = 0;
  SHAPES.forEach((shape, shapeIndex) => {
    for (const set of shapeIndex === 0 ? sets : [null])
      for (const bound of BOUNDS)
        for (const rederiveNoise of [false, true])
          for (const withNoise of [false, true]) {
            const { label, coefficients } = set ?? sets[turn++ % sets.length];
            cases.push({
              label: `[${shape}] ${label} ${bound.label} rederive=${rederiveNoise} noise=${withNoise}`,
              shape,
              coefficients,
              flags: { clipRange: bound.clipRange, rederiveNoise },
              withNoise,
              withThreshold: bound.withThreshold,
            });
          }
  });
  return cases;
}

/** x ~ 1.5 N(0, 1); p, z ~ N(0, 1); s = 1, 1.4, 1.8, ... per batch item. */
function caseTensors(testCase: UpdateCase, seed: number): DdimUpdateInputs {
  const { shape } = testCase;
  const sample = tf.tidy(() => tf.mul(tf.randomNormal(shape, 0, 1, 'float32', seed), 1.5));
  const prediction = tf.randomNormal(shape, 0, 1, 'float32', seed + 1);
  const noise = testCase.withNoise ? tf.randomNormal(shape, 0, 1, 'float32', seed + 2) : null;
  const threshold = testCase.withThreshold ? tf.tidy(() => tf.add(tf.mul(tf.range(0, shape[0], 1, 'float32'), 0.4), 1)) : null;
  return { sample, prediction, noise, threshold };
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
  readonly leakedTensors: number;
}

/** Runs every case through `fusedDdimUpdate` and `ddimUpdateOps` and compares both outputs. */
export async function checkAgreement(): Promise<AgreementReport> {
  const before = tf.memory().numTensors;
  const cases = updateCases();
  let worstRatio = 0;
  let worstCase = '';
  let maxAbsoluteDifference = 0;
  const failures: string[] = [];
  for (const [index, testCase] of cases.entries()) {
    const inputs = caseTensors(testCase, 17 * index);
    const fused = fusedDdimUpdate(inputs, testCase.coefficients, testCase.flags);
    if (fused === null) throw new Error(`no fused kernel on ${tf.getBackend()}`);
    const reference = tf.tidy(() => {
      const { sample, denoised } = ddimUpdateOps(inputs, testCase.coefficients, testCase.flags);
      return { sample, denoised };
    });
    for (const output of ['sample', 'denoised'] as const) {
      const [actual, expected] = await Promise.all([fused[output].data(), reference[output].data()]);
      for (let i = 0; i < expected.length; i++) {
        const difference = Math.abs(actual[i] - expected[i]);
        const ratio = difference / (RELATIVE_TOLERANCE * Math.abs(expected[i]) + ABSOLUTE_FLOOR);
        // NaN (a difference that is not a number) counts as a failure.
        if (!(ratio <= worstRatio)) {
          worstRatio = Number.isNaN(ratio) ? Infinity : ratio;
          worstCase = `${testCase.label} ${output}[${i}]: ${actual[i]} vs ${expected[i]}`;
        }
        maxAbsoluteDifference = Math.max(maxAbsoluteDifference, difference);
        if (!(ratio <= 1) && failures.length < 10 && !failures.includes(testCase.label)) failures.push(`${testCase.label} ${output}[${i}]: ${actual[i]} vs ${expected[i]}`);
      }
    }
    tf.dispose([inputs.sample, inputs.prediction, inputs.noise, inputs.threshold, fused.sample, fused.denoised, reference.sample, reference.denoised].filter((t): t is tf.Tensor => t !== null));
  }
  return { backend: tf.getBackend(), cases: cases.length, worstRatio, worstCase, maxAbsoluteDifference, failures, leakedTensors: tf.memory().numTensors - before };
}
