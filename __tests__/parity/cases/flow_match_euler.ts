/**
 * FlowMatchEulerScheduler's reference cases: every case of fixtures/diffusers/flow_match_euler.json
 * (diffusers' FlowMatchEulerDiscreteScheduler on its test harness; diffusers has no public
 * numbers for it), as a full loop compared element by element and as its model timesteps.
 */
import { DIFFUSERS_FIXTURES } from '../diffusers_fixtures';
import type { DiffusersCase } from '../../helpers/fixture_arrays';
import type { FixtureLoopCase, ReferenceCase, SchedulerSpec, TimestepsCase } from '../reference_cases';

const FAMILY = 'flow_match_euler';

/** How a fixture case makes its scheduler and run: its config through fromDiffusersConfig, its set_timesteps arguments as init options. */
export function flowCaseRun(recorded: DiffusersCase): { scheduler: SchedulerSpec; numSteps: number; init: Record<string, unknown> } {
  const { sigmas, timesteps, mu } = recorded.set_timesteps_kwargs as { sigmas?: number[]; timesteps?: number[]; mu?: number };
  const init = { ...(sigmas === undefined ? {} : { sigmas }), ...(timesteps === undefined ? {} : { timesteps }), ...(mu === undefined ? {} : { mu }) };
  return {
    scheduler: { scheduler: 'flow-match-euler', diffusersConfig: recorded.config },
    numSteps: recorded.num_inference_steps ?? recorded.timesteps.length,
    init,
  };
}

export const FLOW_MATCH_EULER_CASES: readonly ReferenceCase[] = DIFFUSERS_FIXTURES[FAMILY].cases.flatMap((recorded): ReferenceCase[] => {
  const run = flowCaseRun(recorded);
  const loop: FixtureLoopCase = {
    kind: 'fixture_loop',
    name: `diffusers FlowMatchEulerDiscreteScheduler ${recorded.name}`,
    family: FAMILY,
    caseName: recorded.name,
    ...run,
    // Measured: bit for bit on cpu, wasm and Chromium's webgl and webgpu (SwiftShader), every
    // case. 2^-20 relative (8 float32 ulps) leaves room for a hardware GPU that fuses a
    // multiply-add or divides approximately in the dummy model; a wrong sigma moves the sample
    // by 1e-4 or more.
    tolerance: { abs: 1e-7, rel: 2 ** -20 },
  };
  const timesteps: TimestepsCase = {
    kind: 'timesteps',
    name: `diffusers FlowMatchEulerDiscreteScheduler ${recorded.name} timesteps`,
    ...run,
    timesteps: recorded.timesteps,
    dtype: 'float32',
  };
  return [loop, timesteps];
});
