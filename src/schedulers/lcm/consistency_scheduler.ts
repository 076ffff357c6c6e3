import type { SchedulerTable } from '../../config/diffusers_keys';
import { AlphaBarScheduler } from '../alpha_bar_scheduler';
import type { RunSchedule, StepPlan } from '../plan';
import { startIndexOf } from '../scheduler_base';
import type { ResolvedLcmOptions } from './options';
import { CONSISTENCY_INIT_OPTIONS, consistencyTimesteps, type ConsistencyInitOptions } from './timesteps';

/**
 * What LCM and TCD share: LCM's options, the timesteps of diffusers' set_timesteps (with
 * `strength` and custom `timesteps`), one step per timestep. A class supplies its step's plan.
 */
export abstract class ConsistencyScheduler<Options extends ResolvedLcmOptions> extends AlphaBarScheduler<Options, ConsistencyInitOptions> {
  protected readonly ownInitOptions = CONSISTENCY_INIT_OPTIONS;

  protected constructor(table: SchedulerTable<Options>, options: unknown) {
    super(table, options);
    // The option's check bounds a value given; this bounds the default against a smaller numTrainSteps.
    const { numOriginalSteps, numTrainSteps } = this.options;
    if (numOriginalSteps > numTrainSteps) {
      throw new RangeError(`numOriginalSteps must be an integer in [1, numTrainSteps = ${numTrainSteps}], got ${numOriginalSteps} (its default); set numOriginalSteps`);
    }
  }

  /** The plan of step `index` of a run over `timesteps` (all of them: a step reads the next timestep). */
  protected abstract plan(timesteps: Int32Array, index: number): StepPlan;

  protected schedule(numSteps: number, opts: ConsistencyInitOptions): RunSchedule {
    const timesteps = consistencyTimesteps(this.options, numSteps, opts);
    const start = startIndexOf(opts, timesteps.length);
    const plans = Array.from(timesteps, (_, i) => this.plan(timesteps, i));
    return { plans: plans.slice(start), timestepDtype: 'int32' };
  }
}
