/**
 * The figures of issue 19 and of each scheduler on the active backend: the loops around a model
 * (model_bench.ts), sample()'s own overhead (sample_overhead.ts) and one row per scheduler of the
 * registry (scheduler_bench.ts). The same in Node and in the Chromium page.
 */
import { MODEL_BUDGET, MODEL_SHAPES, ONE_OP_BUDGET, quick, SAMPLE_OVERHEAD_BUDGET, SAMPLE_OVERHEAD_SHAPE, SCHEDULER_BUDGET, SCHEDULER_SHAPE } from './config';
import { benchModelLoops, type ModelLoopFigures } from './model_bench';
import { benchSampleOverhead, type SampleOverheadFigures } from './sample_overhead';
import { benchSchedulers, type SchedulerRowFigures } from './scheduler_bench';

export interface AroundModelFigures {
  readonly modelLoops: ModelLoopFigures[];
  readonly sampleOverhead: SampleOverheadFigures;
  readonly schedulers: SchedulerRowFigures[];
}

export async function benchAroundModel(isQuick: boolean, progress: (message: string) => void = () => undefined): Promise<AroundModelFigures> {
  const budget = isQuick ? quick : <T>(value: T) => value;
  progress('  every scheduler of the registry');
  const schedulers = await benchSchedulers(SCHEDULER_SHAPE, budget(SCHEDULER_BUDGET));
  progress('  sample() against a bare loop');
  const sampleOverhead = await benchSampleOverhead(SAMPLE_OVERHEAD_SHAPE, budget(SAMPLE_OVERHEAD_BUDGET));
  progress('  loops around a model');
  const modelLoops = await benchModelLoops(MODEL_SHAPES, budget(ONE_OP_BUDGET), budget(MODEL_BUDGET));
  return { modelLoops, sampleOverhead, schedulers };
}
