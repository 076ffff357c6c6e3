/**
 * How an outcome of run_case.ts compares with its reference: the misses (one line each, empty
 * when it matches) and the errors the precision table reports. Sums and slices are taken on the
 * host in float64 from the read-back sample, so that they measure the loop and not a reduction
 * on the device (a 16-bit texture cannot even hold a sum of 57 to better than 0.03).
 */
import { f32 } from '../helpers/fixture_arrays';
import { diffusersCase } from './diffusers_fixtures';
import type { CaseOutcome, LoopOutcome } from './run_case';
import type { BumblebeeLoopCase, DiffusersLoopCase, FixtureLoopCase, ReferenceCase } from './reference_cases';

/** |actual - expected| <= abs + rel * |expected|, for every element. */
export interface Tolerance {
  abs: number;
  rel: number;
}

/** Bumblebee's own tolerance (assert_all_close). */
const BUMBLEBEE_TOLERANCE: Tolerance = { abs: 1e-4, rel: 1e-4 };
/** What WebGL with 16-bit float textures (many phones) must still meet on Bumblebee's loops. */
const F16_TOLERANCE: Tolerance = { abs: 5e-3, rel: 0 };
/** diffusers' checks: abs sum within 1e-2, abs mean within 1e-3. */
const DIFFUSERS_ABS_SUM = 1e-2;
const DIFFUSERS_ABS_MEAN = 1e-3;

/** Bumblebee's slice sample[1..3, 1..3, 1..2] of an [8, 8, 4] sample, row-major. */
function bumblebeeSlice(values: readonly number[]): number[] {
  const slice: number[] = [];
  for (let h = 1; h <= 3; h++) for (let w = 1; w <= 3; w++) for (let c = 1; c <= 2; c++) slice.push(values[(h * 8 + w) * 4 + c]);
  return slice;
}

const sum = (values: readonly number[]) => values.reduce((total, x) => total + x, 0);
const absSum = (values: readonly number[]) => values.reduce((total, x) => total + Math.abs(x), 0);

export interface BumblebeeErrors {
  /** Largest |actual - expected| over the 18 slice elements. */
  slice: number;
  sum: number;
}

export interface DiffusersErrors {
  absSum: number;
  absMean: number;
}

export function bumblebeeErrors(testCase: BumblebeeLoopCase, outcome: LoopOutcome): BumblebeeErrors {
  const slice = bumblebeeSlice(outcome.values);
  return {
    slice: Math.max(...slice.map((x, i) => Math.abs(x - testCase.slice[i]))),
    sum: Math.abs(sum(outcome.values) - testCase.sum),
  };
}

export function diffusersErrors(testCase: DiffusersLoopCase, outcome: LoopOutcome): DiffusersErrors {
  const total = absSum(outcome.values);
  return { absSum: Math.abs(total - testCase.absSum), absMean: Math.abs(total / outcome.values.length - testCase.absMean) };
}

/** Largest |actual - expected| over the final sample of a fixture case (and its denoised, where recorded). */
export function fixtureError(testCase: FixtureLoopCase, outcome: LoopOutcome): number {
  const recorded = diffusersCase(testCase.family, testCase.caseName);
  const pairs: Array<[readonly number[], Float32Array]> = testCase.sampleDiffers === undefined ? [[outcome.values, f32(recorded.final_sample)]] : [];
  if (recorded.final_denoised !== null && outcome.denoised) pairs.push([outcome.denoised, f32(recorded.final_denoised)]);
  return Math.max(...pairs.flatMap(([actual, expected]) => Array.from(expected, (x, i) => Math.abs(actual[i] - x))));
}

/** A fixture case's misses: every element of the final sample and denoised, and the public sums it reproduces. */
function fixtureMisses(testCase: FixtureLoopCase, outcome: LoopOutcome): string[] {
  const recorded = diffusersCase(testCase.family, testCase.caseName);
  if (JSON.stringify(outcome.shape) !== JSON.stringify(recorded.shape)) return [`shape ${outcome.shape} vs ${recorded.shape}`];
  // A run from step t_start on calls the model at diffusers' timesteps[t_start:] (order 1).
  const timesteps = recorded.timesteps.slice(recorded.t_start ?? 0);
  // Within 1e-6 relative: integer timesteps must be equal; float32 ones derived from log-sigmas
  // can be a few ulps off diffusers', whose float32 log and sqrt (numpy, MKL) are not correctly rounded.
  const timestepsMatch = outcome.timesteps?.length === timesteps.length && timesteps.every((t, i) => Math.abs(outcome.timesteps![i] - t) <= 1e-6 * Math.abs(t));
  if (!timestepsMatch) return [`timesteps ${outcome.timesteps} vs ${timesteps}`];
  const misses = testCase.sampleDiffers === undefined ? closeMisses('sample', outcome.values, Array.from(f32(recorded.final_sample)), testCase.tolerance) : [];
  if (recorded.final_denoised !== null && outcome.denoised) misses.push(...closeMisses('denoised', outcome.denoised, Array.from(f32(recorded.final_denoised)), testCase.tolerance));
  const known = testCase.public;
  if (known) {
    const total = absSum(outcome.values);
    if (known.absSum !== undefined && !(Math.abs(total - known.absSum) <= known.absSumTolerance!)) misses.push(`public abs sum ${total} vs ${known.absSum} (tolerance ${known.absSumTolerance})`);
    const mean = total / outcome.values.length;
    if (known.absMean !== undefined && !(Math.abs(mean - known.absMean) <= known.absMeanTolerance!)) misses.push(`public abs mean ${mean} vs ${known.absMean} (tolerance ${known.absMeanTolerance})`);
  }
  return misses.slice(0, 10);
}

function closeMisses(label: string, actual: number[], expected: number[], tolerance: Tolerance): string[] {
  const misses: string[] = [];
  expected.forEach((x, i) => {
    if (!(Math.abs(actual[i] - x) <= tolerance.abs + tolerance.rel * Math.abs(x))) misses.push(`${label}[${i}]: ${actual[i]} vs ${x}`);
  });
  return misses;
}

/** Everything in `outcome` that misses `testCase`, with the references' own tolerances. */
export function referenceMisses(testCase: ReferenceCase, outcome: CaseOutcome): string[] {
  const misses = outcome.leaked === 0 ? [] : [`leaked ${outcome.leaked} tensors`];
  if (testCase.kind === 'timesteps') {
    if (outcome.kind !== 'timesteps') return [...misses, `expected timesteps, got a ${outcome.kind}`];
    const dtype = testCase.dtype ?? 'int32';
    if (outcome.dtype !== dtype) misses.push(`timesteps are ${outcome.dtype}, not ${dtype}`);
    if (JSON.stringify(outcome.timesteps) !== JSON.stringify(testCase.timesteps)) misses.push(`timesteps ${outcome.timesteps} vs ${testCase.timesteps}`);
    return misses;
  }
  if (outcome.kind !== 'loop') return [...misses, `expected a loop, got ${outcome.kind}`];
  if (testCase.kind === 'bumblebee_loop') {
    if (JSON.stringify(outcome.shape) !== '[8,8,4]') return [...misses, `shape ${outcome.shape}`];
    return [...misses, ...closeMisses('sum', [sum(outcome.values)], [testCase.sum], BUMBLEBEE_TOLERANCE), ...closeMisses('slice', bumblebeeSlice(outcome.values), testCase.slice, BUMBLEBEE_TOLERANCE)];
  }
  if (testCase.kind === 'fixture_loop') return [...misses, ...fixtureMisses(testCase, outcome)];
  const errors = diffusersErrors(testCase, outcome);
  if (!(errors.absSum <= DIFFUSERS_ABS_SUM)) misses.push(`abs sum off by ${errors.absSum} (> ${DIFFUSERS_ABS_SUM})`);
  if (!(errors.absMean <= DIFFUSERS_ABS_MEAN)) misses.push(`abs mean off by ${errors.absMean} (> ${DIFFUSERS_ABS_MEAN})`);
  return misses;
}

/**
 * A Bumblebee loop run with 16-bit float textures: Bumblebee's sum and slice, and every element
 * of the sample against the same loop in float32 (`float32`, from the cpu backend), within 5e-3.
 */
export function f16Misses(testCase: BumblebeeLoopCase, outcome: CaseOutcome, float32: CaseOutcome): string[] {
  if (outcome.kind !== 'loop' || float32.kind !== 'loop') return [`expected loops, got ${outcome.kind} and ${float32.kind}`];
  const misses = outcome.leaked === 0 ? [] : [`leaked ${outcome.leaked} tensors`];
  return [
    ...misses,
    ...closeMisses('sum', [sum(outcome.values)], [testCase.sum], F16_TOLERANCE),
    ...closeMisses('slice', bumblebeeSlice(outcome.values), testCase.slice, F16_TOLERANCE),
    ...closeMisses('float32 element', outcome.values, float32.values, F16_TOLERANCE),
  ];
}
