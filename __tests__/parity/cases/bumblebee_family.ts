/**
 * The reference cases of Bumblebee's whole family besides DDIM: PndmScheduler, LcmScheduler
 * and TcdScheduler. Bumblebee's public numbers (fixtures/bumblebee_family.json: its PNDM and
 * LCM loops and timesteps), diffusers' public timesteps, and every full-array run of
 * fixtures/diffusers/{pndm,lcm,tcd}.json, which carry diffusers' public loop numbers. No Node
 * built-ins: the Chromium test page bundles it.
 */
import family from '../../../fixtures/bumblebee_family.json';
import type { DiffusersCase } from '../../helpers/fixture_arrays';
import type { Tolerance } from '../compare';
import { DIFFUSERS_FIXTURES } from '../diffusers_fixtures';
import type { BumblebeeLoopCase, FixtureLoopCase, ReferenceCase, TimestepsCase } from '../reference_cases';

/** Bumblebee's option names (snake_case) as ours (camelCase); its values are ours already. */
function bumblebeeOptions(options: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(options).map(([name, value]) => [name.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase()), value]));
}

interface BumblebeeTest {
  test: string;
  options: Record<string, unknown>;
  num_steps?: number;
  slice?: number[][][];
  sum?: number;
  timesteps?: Record<string, number[]>;
}

/** Bumblebee's tests of one class: its loops (sum and slice) and its timesteps per step count. */
function bumblebeeCases(className: string, scheduler: string, tests: readonly BumblebeeTest[]): ReferenceCase[] {
  return tests.flatMap((entry): ReferenceCase[] => {
    const spec = { scheduler, options: bumblebeeOptions(entry.options) };
    if (entry.timesteps !== undefined) {
      return Object.entries(entry.timesteps).map(([numSteps, timesteps]): TimestepsCase => ({
        kind: 'timesteps',
        name: `Bumblebee ${className} ${entry.test}: ${numSteps} steps`,
        scheduler: spec,
        numSteps: Number(numSteps),
        timesteps,
      }));
    }
    if (entry.slice === undefined) return []; // the error tests are the spec's (bumblebee_family_errors)
    const loop: BumblebeeLoopCase = {
      kind: 'bumblebee_loop',
      name: `Bumblebee ${className} ${entry.test}`,
      scheduler: spec,
      numSteps: entry.num_steps!,
      sum: entry.sum!,
      slice: entry.slice.flat(2),
      referenceModel: true,
    };
    return [loop];
  });
}

/**
 * The element tolerance of each family's full-array runs, chosen from what we measure against
 * diffusers' float32 torch runs: on cpu and wasm in Node and on webgl, webgpu, wasm and cpu in
 * Chromium (SwiftShader, the same bits as cpu) the largest error, as a share of the tolerance,
 * is 0.22 for PNDM (3.2e-6 at trailing_skip_prk_steps, but the runs below), 0.41 for LCM
 * (1.5e-6, custom_timesteps_test) and 0.30 for TCD (1.4e-6, sample_prediction): room for a GPU
 * that fuses multiply-adds.
 */
const FAMILY_TOLERANCE: Readonly<Record<string, Tolerance>> = {
  pndm: { abs: 1e-5, rel: 1e-5 },
  lcm: { abs: 3e-6, rel: 3e-6 },
  tcd: { abs: 3e-6, rel: 3e-6 },
};

/**
 * diffusers' tests with beta_start 0.01 (set_alpha_to_one, no_set_alpha_to_one): alpha-bar
 * falls to about 2e-6 by t = 900, eq. (9)'s ratios of alpha-bars are large, and every float32
 * implementation rounds them its own way: diffusers' own run is 2.6e-5 from the same loop in
 * float64, ours 1.9e-5 (the two 3.2e-5 apart: 0.43 of this tolerance).
 */
const ILL_CONDITIONED: Tolerance = { abs: 1e-5, rel: 1.5e-4 };

/** The scheduler of our registry that runs each family's diffusers class. */
const SCHEDULER_OF_FAMILY: Readonly<Record<string, string>> = { pndm: 'pndm', lcm: 'lcm', tcd: 'tcd' };

/** The fixture cases whose final sample is not compared, and why (their denoised is). */
const SAMPLE_DIFFERS: Readonly<Record<string, string>> = {
  'lcm custom_timesteps_strength_0_5':
    "diffusers keeps num_inference_steps at the length of the uncut list, so the last step draws noise and re-noises denoised to its own timestep; we add no noise after the last step (diffusers' own TODO in set_timesteps)",
};

/** A fixture case as our scheduler: the config diffusers was built from, its set_timesteps and step arguments in our names. */
function fixtureCase(family: string, recorded: DiffusersCase): FixtureLoopCase {
  const { original_inference_steps: numOriginalSteps, timesteps: custom, strength } = recorded.set_timesteps_kwargs as { original_inference_steps?: number; timesteps?: number[]; strength?: number };
  const options: Record<string, unknown> = {};
  if (numOriginalSteps !== undefined) options.numOriginalSteps = numOriginalSteps;
  // TCD's gamma is diffusers' step argument eta.
  if (recorded.step_kwargs.eta !== undefined) options.gamma = recorded.step_kwargs.eta;
  const init: Record<string, unknown> = {};
  if (custom !== undefined) init.timesteps = custom;
  if (strength !== undefined) init.strength = strength;
  const entry = DIFFUSERS_FIXTURES[family].public.find((known) => known.case === recorded.name);
  const illConditioned = family === 'pndm' && recorded.config_kwargs.beta_start === 0.01;
  return {
    kind: 'fixture_loop',
    name: `diffusers ${recorded.class} ${recorded.name}${entry ? ` (${entry.test})` : ''}`,
    family,
    caseName: recorded.name,
    scheduler: { scheduler: SCHEDULER_OF_FAMILY[family], diffusersConfig: recorded.config_kwargs, options },
    numSteps: recorded.num_inference_steps ?? custom!.length,
    init,
    tolerance: illConditioned ? ILL_CONDITIONED : FAMILY_TOLERANCE[family],
    ...(entry
      ? { public: { absSum: entry.abs_sum ?? undefined, absSumTolerance: entry.abs_sum_tolerance ?? undefined, absMean: entry.abs_mean ?? undefined, absMeanTolerance: entry.abs_mean_tolerance ?? undefined } }
      : {}),
    ...(SAMPLE_DIFFERS[`${family} ${recorded.name}`] ? { sampleDiffers: SAMPLE_DIFFERS[`${family} ${recorded.name}`] } : {}),
  };
}

/** diffusers' public timesteps: PNDM's test_steps_offset, LCM's and TCD's test_custom_timesteps. */
function diffusersTimesteps(): TimestepsCase[] {
  const offset = family.pndm.diffusers.timesteps[0];
  return [
    {
      kind: 'timesteps',
      name: `diffusers PNDMScheduler ${offset.test}`,
      scheduler: { scheduler: 'pndm', diffusersConfig: { ...family.pndm.diffusers.base_config, ...offset.config } },
      numSteps: offset.num_steps,
      timesteps: offset.timesteps,
    },
    ...(['lcm', 'tcd'] as const).map((name): TimestepsCase => {
      const { custom_timesteps: custom, base_config: config } = family[name].diffusers;
      return {
        kind: 'timesteps',
        name: `diffusers ${name.toUpperCase()}Scheduler ${custom.test}`,
        scheduler: { scheduler: name, diffusersConfig: config },
        numSteps: custom.timesteps.length,
        init: { timesteps: custom.timesteps },
        timesteps: custom.timesteps,
      };
    }),
  ];
}

export const BUMBLEBEE_FAMILY_CASES: readonly ReferenceCase[] = [
  ...bumblebeeCases('PndmScheduler', 'pndm', family.pndm.bumblebee.tests as BumblebeeTest[]),
  ...bumblebeeCases('LcmScheduler', 'lcm', family.lcm.bumblebee.tests as BumblebeeTest[]),
  ...diffusersTimesteps(),
  ...(['pndm', 'lcm', 'tcd'] as const).flatMap((name) =>
    DIFFUSERS_FIXTURES[name].cases.map((recorded) => fixtureCase(name, recorded)),
  ),
];
