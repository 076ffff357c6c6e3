/**
 * What a `tfjs-diffusion sample` run is made of, read from its flags: the data set, the
 * scheduler, the step count, and (once a backend is up) the target with its denoiser. The
 * command and each of its worker threads build their own from the same flags.
 */
import type { Scheduler } from '../index';
import type { SchedulerEntry } from '../schedulers/registry';
import { useBackend } from './backend';
import type { DatasetName, SampleFlags } from './cli_options';
import { CLI_DATASETS } from './datasets';
import type { SamplingJob } from './run_sampling';
import { datasetOf, sampleTarget, type SampleTarget } from './sample_target';
import { chooseScheduler } from './scheduler_choice';

export interface RunChoice {
  readonly datasetName: DatasetName | null;
  readonly entry: SchedulerEntry;
  readonly scheduler: Scheduler;
  readonly steps: number;
}

/** The data set, scheduler and steps of the flags; no tfjs backend needed. Mistakes are UsageErrors. */
export function chooseRun(flags: SampleFlags): RunChoice {
  const datasetName = datasetOf(flags);
  const { entry, scheduler } = chooseScheduler(flags, datasetName === null ? {} : CLI_DATASETS[datasetName].schedulerOptions);
  return { datasetName, entry, scheduler, steps: flags.steps ?? entry.defaultSteps };
}

/** Starts the flags' backend in this thread and loads the target on it (a model is loaded here). */
export async function loadTarget(flags: SampleFlags, choice: RunChoice): Promise<SampleTarget> {
  await useBackend(flags.backend);
  return sampleTarget(flags, choice.datasetName);
}

/** What every batch of the run shares. */
export function samplingJob(flags: SampleFlags, choice: RunChoice, target: SampleTarget): SamplingJob {
  return {
    scheduler: choice.scheduler,
    denoiser: target.denoiser(choice.scheduler),
    itemShape: target.itemShape,
    steps: choice.steps,
    seed: flags.seed,
    generator: flags.generator,
    previewFrames: target.previewFrames,
  };
}
