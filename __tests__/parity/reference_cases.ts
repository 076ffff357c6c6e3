/**
 * The reference cases every backend must reproduce, read once from the fixtures for both the
 * Node and the browser parity suites. DDIM's are here: Bumblebee's 10-step loops and timesteps
 * (fixtures/bumblebee_ddim.json), diffusers' full loops and offset timesteps of DDIMScheduler
 * and DDIMInverseScheduler with schedulers built from their test configs
 * (fixtures/diffusers_ddim.json). Every other scheduler brings its cases in a file of its own
 * under cases/ (one per family), listed in FAMILY_CASES. No Node built-ins: the Chromium test
 * page bundles it.
 */
import bumblebee from '../../fixtures/bumblebee_ddim.json';
import diffusers from '../../fixtures/diffusers_ddim.json';
import { BUMBLEBEE_FAMILY_CASES } from './cases/bumblebee_family';
import { EULER_CASES } from './cases/euler';
import type { Tolerance } from './compare';
import { FLOW_MATCH_EULER_CASES } from './cases/flow_match_euler';
import { MULTISTEP_CASES } from './cases/multistep';

/**
 * How a case makes its scheduler: the command line's name of the class (src/schedulers/registry)
 * and our options, or a diffusers scheduler_config read by the class's `fromDiffusersConfig`
 * (with `options` as overrides), as diffusers' tests build theirs.
 */
export interface SchedulerSpec {
  readonly scheduler: string;
  readonly options?: Record<string, unknown>;
  readonly diffusersConfig?: Record<string, unknown>;
}

/** A 10-step loop of Bumblebee's dummy model from Bumblebee's sample: sum and a slice to compare. */
export interface BumblebeeLoopCase {
  kind: 'bumblebee_loop';
  name: string;
  scheduler: SchedulerSpec;
  numSteps: number;
  sum: number;
  /** sample[1..3, 1..3, 1..2], flattened row-major. */
  slice: number[];
  /**
   * Evaluate the dummy model as Bumblebee's tests do, (x t) / (t + 1), rather than with one
   * rounding, x (t / (t + 1)): where a step amplifies the model's last bit (LCM's one step from
   * t = 999 on the squared-cosine schedule divides by sqrt(alpha-bar) = 5e-5). DDIM's loops keep
   * the one rounding, which their run with 16-bit float textures needs (x t reaches 900 there).
   */
  referenceModel?: boolean;
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

/**
 * A run of a diffusers scheduler on diffusers' harness with every element recorded
 * (fixtures/diffusers/<family>.json, case `caseName`), compared element by element.
 */
export interface FixtureLoopCase {
  kind: 'fixture_loop';
  name: string;
  /** The fixture file's family (pndm, lcm, ...) and the case's name in it. */
  family: string;
  caseName: string;
  scheduler: SchedulerSpec;
  /** init's numSteps and options besides the seed: the case's set_timesteps arguments in our names. */
  numSteps: number;
  init: Record<string, unknown>;
  /** The final sample (and denoised, where recorded) within abs + rel * |expected|. */
  tolerance: Tolerance;
  /** The abs sum and abs mean of a public diffusers test this case reproduces, with their tolerances. */
  public?: { absSum?: number; absSumTolerance?: number; absMean?: number; absMeanTolerance?: number };
  /**
   * Why the final sample is not compared: a diffusers quirk we do not reproduce. The timesteps
   * and the final denoised still are.
   */
  sampleDiffers?: string;
}

/** The model timesteps `init(numSteps)` returns, and their dtype. */
export interface TimestepsCase {
  kind: 'timesteps';
  name: string;
  scheduler: SchedulerSpec;
  numSteps: number;
  init?: Record<string, unknown>;
  timesteps: number[];
  dtype?: 'int32' | 'float32';
}

export type ReferenceCase = BumblebeeLoopCase | DiffusersLoopCase | FixtureLoopCase | TimestepsCase;

type DiffusersEntry = (typeof diffusers.ddim)[number];

/** diffusers' test config: the harness's base config plus the case's keys. */
function diffusersSpec(entry: DiffusersEntry, scheduler: string): SchedulerSpec {
  return { scheduler, diffusersConfig: { ...diffusers.harness.base_config, ...entry.config } };
}

const DIFFUSERS_LOOPS = ['test_full_loop_no_noise', 'test_full_loop_with_v_prediction', 'test_full_loop_with_set_alpha_to_one', 'test_full_loop_with_no_set_alpha_to_one'];

/** diffusers' cases of one scheduler class: its full loops and test_steps_offset. */
function diffusersCases(className: string, entries: readonly DiffusersEntry[], scheduler: string): ReferenceCase[] {
  const byTest = (test: string) => entries.find((entry) => entry.test === test)!;
  const offset = byTest('test_steps_offset');
  return [
    ...DIFFUSERS_LOOPS.map((test): DiffusersLoopCase => {
      const entry = byTest(test);
      return { kind: 'diffusers_loop', name: `diffusers ${className} ${test}`, scheduler: diffusersSpec(entry, scheduler), absSum: entry.abs_sum!, absMean: entry.abs_mean! };
    }),
    { kind: 'timesteps', name: `diffusers ${className} test_steps_offset`, scheduler: diffusersSpec(offset, scheduler), numSteps: offset.num_steps!, timesteps: offset.timesteps! },
  ];
}

export const BUMBLEBEE_LOOPS: readonly BumblebeeLoopCase[] = bumblebee.ddim.loops_10_steps.map((loop) => ({
  kind: 'bumblebee_loop',
  name: `Bumblebee 10-step loop ${JSON.stringify(loop.options)}`,
  scheduler: { scheduler: 'ddim', options: loop.options },
  numSteps: 10,
  sum: loop.sum,
  slice: loop.slice.flat(2),
}));

const withNoise = diffusers.ddim.find((entry) => entry.test === 'test_full_loop_with_noise')!;

const DDIM_CASES: readonly ReferenceCase[] = [
  { kind: 'timesteps', name: 'Bumblebee timesteps of 10 steps', scheduler: { scheduler: 'ddim' }, numSteps: 10, timesteps: bumblebee.ddim.timesteps_default_10 },
  ...BUMBLEBEE_LOOPS,
  ...diffusersCases('DDIMScheduler', diffusers.ddim, 'ddim'),
  {
    kind: 'diffusers_loop',
    name: 'diffusers DDIMScheduler test_full_loop_with_noise',
    scheduler: diffusersSpec(withNoise, 'ddim'),
    noisyStartIndex: 8, // the fixture's setup: "the 10-step schedule from index 8 on, i.e. [100, 0]"
    absSum: withNoise.abs_sum!,
    absMean: withNoise.abs_mean!,
  },
  ...diffusersCases('DDIMInverseScheduler', diffusers.ddim_inverse as DiffusersEntry[], 'ddim-inverse'),
];

/** Every family's cases (cases/<family>.ts), after DDIM's. */
const FAMILY_CASES: ReadonlyArray<readonly ReferenceCase[]> = [BUMBLEBEE_FAMILY_CASES, EULER_CASES, MULTISTEP_CASES, FLOW_MATCH_EULER_CASES];

export const REFERENCE_CASES: readonly ReferenceCase[] = [...DDIM_CASES, ...FAMILY_CASES.flat()];

export function referenceCase(name: string): ReferenceCase {
  const found = REFERENCE_CASES.find((entry) => entry.name === name);
  if (!found) throw new Error(`no reference case named ${JSON.stringify(name)}`);
  return found;
}
