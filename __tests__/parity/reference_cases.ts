/**
 * The reference cases every backend must reproduce, read once from the fixtures for both the
 * Node and the browser parity suites: Bumblebee's 10-step loops and timesteps
 * (fixtures/bumblebee_ddim.json), and diffusers' full loops and offset timesteps of
 * DDIMScheduler and DDIMInverseScheduler with schedulers built from their test configs
 * (fixtures/diffusers_ddim.json). No Node built-ins: the Chromium test page bundles it.
 */
import type { DdimOptions } from 'tfjs-diffusion-schedulers';
import bumblebee from '../../fixtures/bumblebee_ddim.json';
import diffusers from '../../fixtures/diffusers_ddim.json';

/**
 * How a case makes its scheduler: Bumblebee's options, or a diffusers scheduler_config read by
 * `fromDiffusersConfig` (of DdimInverseScheduler when `inverse`), as diffusers' tests build theirs.
 */
export type SchedulerSpec = { options: DdimOptions } | { diffusersConfig: Record<string, unknown>; inverse: boolean };

/** A 10-step loop of Bumblebee's dummy model from Bumblebee's sample: sum and a slice to compare. */
export interface BumblebeeLoopCase {
  kind: 'bumblebee_loop';
  name: string;
  scheduler: SchedulerSpec;
  sum: number;
  /** sample[1..3, 1..3, 1..2], flattened row-major. */
  slice: number[];
}

/** A 10-step loop of diffusers' dummy model from dummy_sample_deter: sum and mean of |sample|. */
export interface DiffusersLoopCase {
  kind: 'diffusers_loop';
  name: string;
  scheduler: SchedulerSpec;
  /** diffusers' test_full_loop_with_noise: run from this step on, from addNoise(sample, dummy_noise_deter, its timestep). */
  noisyStartIndex?: number;
  absSum: number;
  absMean: number;
}

/** The int32 timesteps `init(numSteps)` returns. */
export interface TimestepsCase {
  kind: 'timesteps';
  name: string;
  scheduler: SchedulerSpec;
  numSteps: number;
  timesteps: number[];
}

export type ReferenceCase = BumblebeeLoopCase | DiffusersLoopCase | TimestepsCase;

type DiffusersEntry = (typeof diffusers.ddim)[number];

/** diffusers' test config: the harness's base config plus the case's keys. */
function diffusersSpec(entry: DiffusersEntry, inverse: boolean): SchedulerSpec {
  return { diffusersConfig: { ...diffusers.harness.base_config, ...entry.config }, inverse };
}

const DIFFUSERS_LOOPS = ['test_full_loop_no_noise', 'test_full_loop_with_v_prediction', 'test_full_loop_with_set_alpha_to_one', 'test_full_loop_with_no_set_alpha_to_one'];

/** diffusers' cases of one scheduler class: its full loops and test_steps_offset. */
function diffusersCases(className: string, entries: readonly DiffusersEntry[], inverse: boolean): ReferenceCase[] {
  const byTest = (test: string) => entries.find((entry) => entry.test === test)!;
  const offset = byTest('test_steps_offset');
  return [
    ...DIFFUSERS_LOOPS.map((test): DiffusersLoopCase => {
      const entry = byTest(test);
      return { kind: 'diffusers_loop', name: `diffusers ${className} ${test}`, scheduler: diffusersSpec(entry, inverse), absSum: entry.abs_sum!, absMean: entry.abs_mean! };
    }),
    { kind: 'timesteps', name: `diffusers ${className} test_steps_offset`, scheduler: diffusersSpec(offset, inverse), numSteps: offset.num_steps!, timesteps: offset.timesteps! },
  ];
}

export const BUMBLEBEE_LOOPS: readonly BumblebeeLoopCase[] = bumblebee.ddim.loops_10_steps.map((loop) => ({
  kind: 'bumblebee_loop',
  name: `Bumblebee 10-step loop ${JSON.stringify(loop.options)}`,
  scheduler: { options: loop.options as DdimOptions },
  sum: loop.sum,
  slice: loop.slice.flat(2),
}));

const withNoise = diffusers.ddim.find((entry) => entry.test === 'test_full_loop_with_noise')!;

export const REFERENCE_CASES: readonly ReferenceCase[] = [
  { kind: 'timesteps', name: 'Bumblebee timesteps of 10 steps', scheduler: { options: {} }, numSteps: 10, timesteps: bumblebee.ddim.timesteps_default_10 },
  ...BUMBLEBEE_LOOPS,
  ...diffusersCases('DDIMScheduler', diffusers.ddim, false),
  {
    kind: 'diffusers_loop',
    name: 'diffusers DDIMScheduler test_full_loop_with_noise',
    scheduler: diffusersSpec(withNoise, false),
    noisyStartIndex: 8, // the fixture's setup: "the 10-step schedule from index 8 on, i.e. [100, 0]"
    absSum: withNoise.abs_sum!,
    absMean: withNoise.abs_mean!,
  },
  ...diffusersCases('DDIMInverseScheduler', diffusers.ddim_inverse as DiffusersEntry[], true),
];

export function referenceCase(name: string): ReferenceCase {
  const found = REFERENCE_CASES.find((entry) => entry.name === name);
  if (!found) throw new Error(`no reference case named ${JSON.stringify(name)}`);
  return found;
}
