/**
 * Euler and Euler ancestral on every backend: every full-array run of
 * fixtures/diffusers/euler.json and euler_ancestral.json (diffusers' EulerDiscreteScheduler and
 * EulerAncestralDiscreteScheduler on diffusers' test harness), each compared element by element,
 * the public numbers of diffusers' tests checked on the cases that reproduce them, and the
 * torch-seeded runs drawn from random.torchGenerator(0). No Node built-ins (the Chromium page
 * bundles it).
 */
import eulerFixture from '../../../fixtures/diffusers/euler.json';
import ancestralFixture from '../../../fixtures/diffusers/euler_ancestral.json';
import type { DiffusersCase, DiffusersFixture, PublicEntry } from '../../helpers/fixture_arrays';
import type { Tolerance } from '../compare';
import type { FixtureLoopCase } from '../reference_cases';

/**
 * Measured on cpu and wasm (the same bits on both): the largest element error is 3.1e-5 on
 * values near 150 (test_full_loop_with_noise: one float32 ulp there, 2e-7 relative), and where
 * the harness's model cancels the sample down from ~300 to below 1, 1.9e-6 on values below
 * 0.07 (beta sigmas, which crowd the steps at both ends) and 1.7e-6 after a zero-SNR start at sigma
 * 4096; every other case is within 1.1e-6. diffusers' own schedule values differ from ours by
 * an ulp where torch's MKL sqrt is not correctly rounded (euler_schedule.test.ts), which the
 * cancellation carries to the end. 1e-5 + 1e-5 |x| leaves a margin of 5 over the worst small
 * value and of 50 over the worst large one, for the GPU backends' float32 arithmetic.
 */
const TOLERANCE: Tolerance = { abs: 1e-5, rel: 1e-5 };

/** diffusers' Euler step arguments as our options. */
const STEP_OPTIONS: Readonly<Record<string, string>> = { s_churn: 'sChurn', s_tmin: 'sTmin', s_tmax: 'sTmax', s_noise: 'sNoise' };

/** numSteps and the init options of a case's set_timesteps arguments. */
function runOf(recorded: DiffusersCase): { numSteps: number; init: Record<string, unknown> } {
  const { sigmas, timesteps } = recorded.set_timesteps_kwargs as { sigmas?: number[]; timesteps?: number[] };
  if (sigmas) return { numSteps: sigmas.length - 1, init: { sigmas } };
  if (timesteps) return { numSteps: timesteps.length, init: { timesteps } };
  return { numSteps: recorded.num_inference_steps!, init: {} };
}

function familyCases(family: string, scheduler: string, fixture: DiffusersFixture): FixtureLoopCase[] {
  const publicOf = (name: string): PublicEntry[] => fixture.public.filter((entry) => entry.case === name);
  return fixture.cases.flatMap((recorded) => {
    const options = Object.fromEntries(Object.entries(recorded.step_kwargs).map(([key, value]) => [STEP_OPTIONS[key], value]));
    const base = {
      kind: 'fixture_loop' as const,
      family,
      caseName: recorded.name,
      scheduler: { scheduler, diffusersConfig: { _class_name: recorded.class, ...recorded.config }, options },
      ...runOf(recorded),
      tolerance: TOLERANCE,
    };
    const entries = publicOf(recorded.name);
    if (entries.length === 0) return [{ ...base, name: `diffusers ${recorded.class} fixture ${recorded.name}` }];
    return entries.map((entry) => ({
      ...base,
      name: `diffusers ${recorded.class} ${entry.test} (fixture ${recorded.name})`,
      public: { absSum: entry.abs_sum ?? undefined, absSumTolerance: entry.abs_sum_tolerance ?? undefined, absMean: entry.abs_mean ?? undefined, absMeanTolerance: entry.abs_mean_tolerance ?? undefined },
    }));
  });
}

export const EULER_CASES: readonly FixtureLoopCase[] = [
  ...familyCases('euler', 'euler', eulerFixture as unknown as DiffusersFixture),
  ...familyCases('euler_ancestral', 'euler-ancestral', ancestralFixture as unknown as DiffusersFixture),
];
