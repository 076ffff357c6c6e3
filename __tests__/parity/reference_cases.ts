/**
 * The reference cases every backend must reproduce, read once from the fixtures for both the
 * Node and the browser parity suites: Bumblebee's 10-step loops and timesteps
 * (fixtures/bumblebee_ddim.json) and diffusers' full loops and offset timesteps
 * (fixtures/diffusers_ddim.json). No Node built-ins: the Chromium test page bundles it.
 */
import type { DdimOptions } from 'tfjs-diffusion-schedulers';
import bumblebee from '../../fixtures/bumblebee_ddim.json';
import diffusers from '../../fixtures/diffusers_ddim.json';

/** A 10-step loop of Bumblebee's dummy model from Bumblebee's sample: sum and a slice to compare. */
export interface BumblebeeLoopCase {
  kind: 'bumblebee_loop';
  name: string;
  options: DdimOptions;
  sum: number;
  /** sample[1..3, 1..3, 1..2], flattened row-major. */
  slice: number[];
}

/** A 10-step loop of diffusers' dummy model from dummy_sample_deter: sum and mean of |sample|. */
export interface DiffusersLoopCase {
  kind: 'diffusers_loop';
  name: string;
  options: DdimOptions;
  absSum: number;
  absMean: number;
}

/** The int32 timesteps `init(numSteps)` returns. */
export interface TimestepsCase {
  kind: 'timesteps';
  name: string;
  options: DdimOptions;
  numSteps: number;
  timesteps: number[];
}

export type ReferenceCase = BumblebeeLoopCase | DiffusersLoopCase | TimestepsCase;

/** diffusers' test config (their base config plus the case's keys) in our option names. */
function optionsOfDiffusersConfig(config: Record<string, unknown> = {}): DdimOptions {
  const merged: Record<string, unknown> = { ...diffusers.harness.base_config, ...config };
  return {
    numTrainSteps: merged.num_train_timesteps as number,
    betaStart: merged.beta_start as number,
    betaEnd: merged.beta_end as number,
    betaSchedule: 'linear',
    clipDenoisedSample: merged.clip_sample as boolean,
    predictionType: merged.prediction_type === 'v_prediction' ? 'angular_velocity' : 'noise',
    alphaClipStrategy: merged.set_alpha_to_one === false ? 'alpha_zero' : 'one',
    timestepsOffset: (merged.steps_offset as number | undefined) ?? 0,
  };
}

const diffusersCase = (test: string) => diffusers.ddim.find((entry) => entry.test === test)!;

// diffusers' test_full_loop_with_noise starts from add_noise, which is not in this package yet.
const DIFFUSERS_LOOPS = ['test_full_loop_no_noise', 'test_full_loop_with_v_prediction', 'test_full_loop_with_set_alpha_to_one', 'test_full_loop_with_no_set_alpha_to_one'];

export const BUMBLEBEE_LOOPS: readonly BumblebeeLoopCase[] = bumblebee.ddim.loops_10_steps.map((loop) => ({
  kind: 'bumblebee_loop',
  name: `Bumblebee 10-step loop ${JSON.stringify(loop.options)}`,
  options: loop.options as DdimOptions,
  sum: loop.sum,
  slice: loop.slice.flat(2),
}));

export const REFERENCE_CASES: readonly ReferenceCase[] = [
  { kind: 'timesteps', name: 'Bumblebee timesteps of 10 steps', options: {}, numSteps: 10, timesteps: bumblebee.ddim.timesteps_default_10 },
  ...BUMBLEBEE_LOOPS,
  ...DIFFUSERS_LOOPS.map((test): DiffusersLoopCase => {
    const entry = diffusersCase(test);
    return { kind: 'diffusers_loop', name: `diffusers ${test}`, options: optionsOfDiffusersConfig(entry.config), absSum: entry.abs_sum!, absMean: entry.abs_mean! };
  }),
  {
    kind: 'timesteps',
    name: 'diffusers test_steps_offset',
    options: optionsOfDiffusersConfig(diffusersCase('test_steps_offset').config),
    numSteps: diffusersCase('test_steps_offset').num_steps!,
    timesteps: diffusersCase('test_steps_offset').timesteps!,
  },
];

export function referenceCase(name: string): ReferenceCase {
  const found = REFERENCE_CASES.find((entry) => entry.name === name);
  if (!found) throw new Error(`no reference case named ${JSON.stringify(name)}`);
  return found;
}
