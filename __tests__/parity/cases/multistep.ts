/**
 * DpmSolverMultistepScheduler's and UniPcMultistepScheduler's reference cases: every case of
 * fixtures/diffusers/dpm_solver.json and unipc.json (diffusers' DPMSolverMultistepScheduler and
 * UniPCMultistepScheduler on their test harness, UniPC's 1D [4, 3, 8] sample too) as a full
 * loop compared element by element, the public numbers of diffusers' tests on the cases that
 * reproduce them, and every case's model timesteps.
 */
import { f32, type DiffusersCase } from '../../helpers/fixture_arrays';
import { DIFFUSERS_FIXTURES } from '../diffusers_fixtures';
import type { FixtureLoopCase, ReferenceCase, SchedulerSpec, TimestepsCase } from '../reference_cases';

/**
 * |ours - diffusers'| <= 1e-5 * max(1, max |final sample|) + 1e-5 * |diffusers'|, element by
 * element. Measured on cpu and wasm, the worst element of most cases is within 1e-6 (+ 1e-6
 * relative); the largest are 6.5 times that: the beta schedule (its first steps have h ~ 4e-3,
 * where diffusers' float32 e^-h - 1 keeps 4 digits: we compute the coefficients in float64),
 * order 3 with thresholding, and the eps-based SDE solver, whose 5-step run reaches 2000 and
 * cancels back to elements near 0 (hence the absolute part scaled by the case's own largest
 * value). 1e-5 leaves room for the GPU backends' fused multiply-adds.
 */
const TOLERANCE = 1e-5;

/** The fixture's config as diffusers holds it (JSON-safe: -inf written as "-Infinity"). */
function configOf(recorded: DiffusersCase): Record<string, unknown> {
  return Object.fromEntries(Object.entries(recorded.config).map(([key, value]) => [key, value === '-Infinity' ? -Infinity : value]));
}

/** How a fixture case makes its scheduler and run: its config through fromDiffusersConfig, its set_timesteps arguments as init options. */
function caseRun(registryName: string, recorded: DiffusersCase): { scheduler: SchedulerSpec; numSteps: number; init: Record<string, unknown> } {
  const { sigmas, timesteps, mu } = recorded.set_timesteps_kwargs as { sigmas?: number[]; timesteps?: number[]; mu?: number };
  return {
    scheduler: { scheduler: registryName, diffusersConfig: configOf(recorded) },
    numSteps: recorded.num_inference_steps ?? recorded.timesteps.length,
    init: { ...(sigmas === undefined ? {} : { sigmas }), ...(timesteps === undefined ? {} : { timesteps }), ...(mu === undefined ? {} : { mu }) },
  };
}

function largestMagnitude(recorded: DiffusersCase): number {
  return f32(recorded.final_sample).reduce((largest, x) => Math.max(largest, Math.abs(x)), 1);
}

function familyCases(family: 'dpm_solver' | 'unipc', registryName: string, diffusersClass: string): ReferenceCase[] {
  const fixture = DIFFUSERS_FIXTURES[family];
  return fixture.cases.flatMap((recorded): ReferenceCase[] => {
    const run = caseRun(registryName, recorded);
    // diffusers' public abs sum and abs mean (test_full_loop_*), where this case reproduces one.
    const known = fixture.public.find((entry) => entry.case === recorded.name && (entry.abs_mean != null || entry.abs_sum != null));
    const loop: FixtureLoopCase = {
      kind: 'fixture_loop',
      name: `diffusers ${diffusersClass} ${recorded.name}`,
      family,
      caseName: recorded.name,
      ...run,
      tolerance: { abs: TOLERANCE * largestMagnitude(recorded), rel: TOLERANCE },
      ...(known === undefined
        ? {}
        : {
            public: {
              ...(known.abs_sum == null ? {} : { absSum: known.abs_sum, absSumTolerance: known.abs_sum_tolerance! }),
              ...(known.abs_mean == null ? {} : { absMean: known.abs_mean, absMeanTolerance: known.abs_mean_tolerance! }),
            },
          }),
    };
    const timesteps: TimestepsCase = { kind: 'timesteps', name: `diffusers ${diffusersClass} ${recorded.name} timesteps`, ...run, timesteps: recorded.timesteps };
    return [loop, timesteps];
  });
}

export const MULTISTEP_CASES: readonly ReferenceCase[] = [
  ...familyCases('dpm_solver', 'dpm-solver', 'DPMSolverMultistepScheduler'),
  ...familyCases('unipc', 'unipc', 'UniPCMultistepScheduler'),
];
