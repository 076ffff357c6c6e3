/** The figures around a model, of sample() and of every scheduler: their tables and goals. */
import { GPU_BACKENDS } from './config';
import { micros, ratio } from './format';
import { UPDATES, type ModelLoopFigures, type Update } from './model_bench';
import type { SampleOverheadFigures } from './sample_overhead';
import type { Goal } from './report';
import type { SchedulerRowFigures } from './scheduler_bench';

/** sample() may add this share of a step of this many microseconds. */
const SAMPLE_OVERHEAD_SHARE = 0.05;
const SAMPLE_OVERHEAD_STEP_US = 1000;

/** The cpu step of every scheduler within this many times its allocating JavaScript limit. */
const CPU_STEP_OVER_JS = 1.5;

const ms = (us: number) => (us / 1000).toFixed(us >= 10000 ? 1 : 2);

/** The updates in the order the tables show them, with their column titles. */
const COLUMNS: ReadonlyArray<readonly [Update, string]> = [
  ['step', 'ours'],
  ['readBack', 'read-back'],
  ['readBackHost', 'host latents'],
  ['chain', 'op chain'],
];

/** Rows of the loops around a model: per step with the one-op model (ms, and each update's time over ours). */
export function oneOpLines(loops: readonly ModelLoopFigures[]): { header: string[]; lines: string[][] } {
  return {
    header: ['backend', 'shape', ...COLUMNS.map(([, title]) => `${title} ms`), ...COLUMNS.slice(1).map(([, title]) => `${title}/ours`)],
    lines: loops.map((loop) => [
      loop.backend,
      loop.shape.join('x'),
      ...COLUMNS.map(([update]) => ms(loop.oneOpUs[update])),
      ...COLUMNS.slice(1).map(([update]) => ratio(loop.oneOpUs[update] / loop.oneOpUs.step)),
    ]),
  };
}

/** Rows of the loops around the layer stack: what each update adds per step, in ms and as a share of the model's time. */
export function overheadLines(loops: readonly ModelLoopFigures[]): { header: string[]; lines: string[][] } {
  return {
    header: ['backend', 'shape', 'depthwise layers', 'model ms', ...COLUMNS.map(([, title]) => `${title} +ms`), 'spread +-ms', 'programs step/added'],
    lines: loops.map((loop) => [
      loop.backend,
      loop.shape.join('x'),
      `${loop.modelLayers}`,
      ms(loop.modelUs),
      ...COLUMNS.map(([update]) => `${ms(loop.overheadUs[update])} (${((100 * loop.overheadUs[update]) / loop.modelUs).toFixed(1)}%)`),
      ms(Math.max(...UPDATES.map((update) => loop.overheadSpreadUs[update]))),
      loop.stepPrograms === null ? '-' : `${loop.stepPrograms} / ${loop.addedPrograms}`,
    ]),
  };
}

export function sampleOverheadLines(figures: readonly SampleOverheadFigures[]): { header: string[]; lines: string[][] } {
  return {
    header: ['backend', 'shape', 'steps', 'loop us/step', 'sample() us/step', 'sample()/loop', 'added us/step', 'spread +-us', `of a ${SAMPLE_OVERHEAD_STEP_US / 1000} ms step`],
    lines: figures.map((figure) => [
      figure.backend,
      figure.shape.join('x'),
      `${figure.steps}`,
      micros(figure.loopUs),
      micros(figure.sampleUs),
      ratio(figure.sampleUs / figure.loopUs),
      micros(figure.overheadUs),
      micros(figure.overheadSpreadUs),
      `${((100 * figure.overheadUs) / SAMPLE_OVERHEAD_STEP_US).toFixed(1)}%`,
    ]),
  };
}

export function schedulerLines(rows: readonly SchedulerRowFigures[]): { header: string[]; lines: string[][] } {
  return {
    header: ['scheduler', 'setting', 'backend', 'run steps', 'step us', 'chain us', 'chain/step', 'JS step us', 'step/JS step', 'programs step/chain', 'read-backs'],
    lines: rows.map((row) => [
      row.scheduler,
      row.setting,
      row.backend + (row.fusedKernel ? '' : ' (no fused)'),
      `${row.runSteps}`,
      micros(row.stepUs),
      micros(row.chainUs),
      ratio(row.chainUs / row.stepUs),
      row.jsStepUs === null ? '-' : micros(row.jsStepUs),
      row.jsStepUs === null ? '-' : ratio(row.stepUs / row.jsStepUs),
      row.stepPrograms === null ? '-' : `${row.stepPrograms} / ${row.chainPrograms}`,
      `${row.readBacks}`,
    ]),
  };
}

/**
 * Issue 10's goals for every scheduler (at most 2 GPU programs per step on webgl and webgpu,
 * no read-back, the cpu step within 1.5x its allocating JavaScript limit); issue 19's: no
 * program added to the model's next call on a GPU, sample() within 5% of a 1 ms step.
 */
export function aroundModelGoals(loops: readonly ModelLoopFigures[], sampleOverhead: readonly SampleOverheadFigures[], rows: readonly SchedulerRowFigures[]): Goal[] {
  const goals: Goal[] = [];
  for (const scheduler of [...new Set(rows.map((row) => row.scheduler))]) {
    const own = rows.filter((row) => row.scheduler === scheduler);
    const gpu = own.filter((row) => GPU_BACKENDS.includes(row.backend));
    if (gpu.length > 0) {
      goals.push({
        goal: `${scheduler}: <= 2 GPU programs per step (webgl, webgpu)`,
        measured: gpu.map((row) => `${row.backend} ${row.stepPrograms}`).join(', '),
        met: gpu.every((row) => row.stepPrograms !== null && row.stepPrograms <= 2),
      });
    }
    goals.push({
      goal: `${scheduler}: no read-back in a step`,
      measured: `at most ${Math.max(...own.map((row) => row.readBacks))} (${own.map((row) => row.backend).join(', ')})`,
      met: own.every((row) => row.readBacks === 0),
    });
    const cpu = own.find((row) => row.backend === 'cpu' && row.jsStepUs !== null);
    if (cpu) {
      const measured = cpu.stepUs / cpu.jsStepUs!;
      goals.push({ goal: `${scheduler}: cpu step <= ${CPU_STEP_OVER_JS}x its allocating JS limit (${cpu.shape.join('x')})`, measured: ratio(measured), met: measured <= CPU_STEP_OVER_JS });
    }
  }
  for (const backend of GPU_BACKENDS) {
    const own = loops.filter((loop) => loop.backend === backend);
    if (own.length === 0) continue;
    goals.push({
      goal: `${backend}: our step adds no program to the next model call (no layout program)`,
      measured: own.map((loop) => `${loop.shape.join('x')}: ${loop.addedPrograms}`).join(', '),
      met: own.every((loop) => loop.addedPrograms === 0),
    });
  }
  for (const figure of sampleOverhead) {
    const limit = SAMPLE_OVERHEAD_SHARE * SAMPLE_OVERHEAD_STEP_US;
    goals.push({
      goal: `${figure.backend}: sample() adds <= ${limit} us per step over a bare loop (5% of a 1 ms step)`,
      measured: `${micros(figure.overheadUs)} +- ${micros(figure.overheadSpreadUs)} us (${ratio(figure.sampleUs / figure.loopUs)} the loop's ${micros(figure.loopUs)} us)`,
      met: figure.overheadUs <= limit,
    });
  }
  return goals;
}
