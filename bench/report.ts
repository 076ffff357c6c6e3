/** The benchmark's figures as rows, goals and text tables. */
import { GPU_BACKENDS } from './config';
import { micros, ratio, table } from './format';
import { bytesPerStep } from './host_bench';
import type { ModelLoopFigures } from './model_bench';
import { oneOpLines, overheadLines, sampleOverheadLines, schedulerLines } from './model_report';
import type { SampleRunFigures } from './sample_bench';
import type { SampleOverheadFigures } from './sample_overhead';
import type { SchedulerRowFigures } from './scheduler_bench';
import type { MemoryFigures, StepFigures } from './step_bench';

/** The host limits of one shape, timed beside the cpu backend's step (see host_bench.ts). */
export interface HostFigures {
  readonly bytesPerStep: number;
  readonly scalarPassUs: number;
  readonly scalarStepUs: number;
  readonly kernelPassUs: number;
  readonly copyUs: number;
  /** random.normal at the shape: the WebAssembly kernel, and the JavaScript fallback. */
  readonly noiseDrawUs: number;
  readonly noiseDrawJsUs: number;
  /** random.torchGenerator(0).randn at the shape, the same two ways. */
  readonly torchDrawUs: number;
  readonly torchDrawJsUs: number;
}

export function hostFiguresOf(cpuSteps: StepFigures[]): HostFigures[] {
  return cpuSteps.map((step) => ({
    bytesPerStep: bytesPerStep(step.shape.reduce((a, b) => a * b, 1)),
    scalarPassUs: step.extraUs.scalarPass,
    scalarStepUs: step.extraUs.scalarStep,
    kernelPassUs: step.extraUs.kernelPass,
    copyUs: step.extraUs.copy,
    noiseDrawUs: step.extraUs.noiseDraw,
    noiseDrawJsUs: step.extraUs.noiseDrawJs,
    torchDrawUs: step.extraUs.torchDraw,
    torchDrawJsUs: step.extraUs.torchDrawJs,
  }));
}

export interface BackendFigures {
  readonly steps: StepFigures[];
  /** Per shape: microseconds of copying a step's bytes (host memcpy, or one device program on a GPU). */
  readonly copyUs: number[];
  readonly memory: MemoryFigures;
}

export interface Row {
  readonly backend: string;
  readonly shape: string;
  readonly fusedKernel: boolean;
  readonly stepUs: number;
  readonly chainUs: number;
  /** chainUs / stepUs: how much faster our step is than the plain chain. */
  readonly chainOverStep: number;
  readonly scalarPassUs: number;
  /** stepUs / scalarPassUs: distance to the pure-JS limit, in place. */
  readonly stepOverScalarPass: number;
  readonly scalarStepUs: number;
  /** stepUs / scalarStepUs: distance to the pure-JS limit of a step that fills new arrays. */
  readonly stepOverScalarStep: number;
  readonly kernelPassUs: number;
  readonly bytesPerStep: number;
  readonly copyUs: number;
  /** stepUs / copyUs: distance to the memory limit. */
  readonly stepOverCopy: number;
  readonly noiseDrawUs: number;
  /** noiseDrawUs / stepUs: what drawing z costs beside the step. */
  readonly noiseDrawOverStep: number;
  readonly noiseDrawJsUs: number;
  readonly stepPrograms: number | null;
  readonly chainPrograms: number | null;
}

export interface Goal {
  readonly goal: string;
  readonly measured: string;
  readonly met: boolean;
}

export interface BenchReport {
  readonly machine: Record<string, string>;
  /** The shapes benchmarked ('1x4x64x64', ...); `host` has one entry per shape. */
  readonly shapes: string[];
  readonly host: HostFigures[];
  readonly rows: Row[];
  readonly memory: MemoryFigures[];
  /** Whole `tfjs-ddim sample` runs per Node backend. */
  readonly sampleRuns: SampleRunFigures[];
  /** The loops around a model, per backend and latent shape (model_bench.ts). */
  readonly modelLoops: ModelLoopFigures[];
  /** sample() against a bare loop, per backend. */
  readonly sampleOverhead: SampleOverheadFigures[];
  /** One row per scheduler of the registry and backend. */
  readonly schedulers: SchedulerRowFigures[];
  readonly skipped: Array<{ backend: string; reason: string }>;
  readonly goals: Goal[];
}

export function rowsOf(host: HostFigures[], backends: BackendFigures[]): Row[] {
  return backends.flatMap((figures) =>
    figures.steps.map((step, i) => ({
      backend: step.backend,
      shape: step.shape.join('x'),
      fusedKernel: step.fusedKernel,
      stepUs: step.stepUs,
      chainUs: step.chainUs,
      chainOverStep: step.chainUs / step.stepUs,
      scalarPassUs: host[i].scalarPassUs,
      stepOverScalarPass: step.stepUs / host[i].scalarPassUs,
      scalarStepUs: host[i].scalarStepUs,
      stepOverScalarStep: step.stepUs / host[i].scalarStepUs,
      kernelPassUs: host[i].kernelPassUs,
      bytesPerStep: host[i].bytesPerStep,
      copyUs: figures.copyUs[i],
      stepOverCopy: step.stepUs / figures.copyUs[i],
      noiseDrawUs: host[i].noiseDrawUs,
      noiseDrawOverStep: host[i].noiseDrawUs / step.stepUs,
      noiseDrawJsUs: host[i].noiseDrawJsUs,
      stepPrograms: step.stepPrograms,
      chainPrograms: step.chainPrograms,
    })),
  );
}

const GOAL_SHAPE = '16x4x64x64';

/** The noise draw at GOAL_SHAPE should cost less than the cpu step (4.4 ms here). */
const NOISE_DRAW_GOAL_MS = 3;

/** Torch's randn (WebAssembly) at GOAL_SHAPE: at most this many times the threefry draw. */
const TORCH_DRAW_GOAL_RATIO = 2;

export function goalsOf(rows: Row[], memory: MemoryFigures[], host: HostFigures[], shapes: string[]): Goal[] {
  const goals: Goal[] = [];
  const cpu = rows.find((row) => row.backend === 'cpu' && row.shape === GOAL_SHAPE);
  if (cpu) {
    goals.push({
      goal: `cpu ${GOAL_SHAPE}: step <= 1.5x the scalar JS pass (a step: new arrays)`,
      measured: `${ratio(cpu.stepOverScalarStep)} (in place: ${ratio(cpu.stepOverScalarPass)})`,
      met: cpu.stepOverScalarStep <= 1.5,
    });
    goals.push({ goal: `cpu ${GOAL_SHAPE}: step >= 3x faster than the op chain`, measured: ratio(cpu.chainOverStep), met: cpu.chainOverStep >= 3 });
  }
  const drawRows = rows.filter((row) => row.shape === GOAL_SHAPE);
  if (drawRows.length > 0) {
    const { noiseDrawUs, noiseDrawJsUs } = drawRows[0];
    goals.push({
      goal: `noise draw ${GOAL_SHAPE} (random.normal, eta > 0): <= ${NOISE_DRAW_GOAL_MS} ms`,
      measured: `${(noiseDrawUs / 1000).toFixed(2)} ms (JS: ${(noiseDrawJsUs / 1000).toFixed(1)} ms); draw/step ${drawRows.map((row) => `${row.backend} ${ratio(row.noiseDrawOverStep)}`).join(', ')}`,
      met: noiseDrawUs <= NOISE_DRAW_GOAL_MS * 1000,
    });
  }
  const goalHost = host[shapes.indexOf(GOAL_SHAPE)];
  if (goalHost) {
    const torchOverThreefry = goalHost.torchDrawUs / goalHost.noiseDrawUs;
    goals.push({
      goal: `torch randn ${GOAL_SHAPE} (random.torchGenerator, WebAssembly): <= ${TORCH_DRAW_GOAL_RATIO}x the threefry draw`,
      measured: `${ratio(torchOverThreefry)} (${(goalHost.torchDrawUs / 1000).toFixed(2)} ms; JS: ${(goalHost.torchDrawJsUs / 1000).toFixed(1)} ms)`,
      met: torchOverThreefry <= TORCH_DRAW_GOAL_RATIO,
    });
  }
  for (const backend of GPU_BACKENDS) {
    const gpuRows = rows.filter((row) => row.backend === backend);
    if (gpuRows.length === 0) continue;
    const most = Math.max(...gpuRows.map((row) => row.stepPrograms ?? Infinity));
    goals.push({ goal: `${backend}: <= 2 GPU programs per step`, measured: `${most}`, met: most <= 2 });
  }
  const wasm = rows.filter((row) => row.backend === 'wasm');
  if (wasm.length > 0) {
    const slowest = Math.min(...wasm.map((row) => row.chainOverStep));
    // Without a fused kernel the step is the op chain: never slower by construction, whatever the noise says.
    const fused = wasm.some((row) => row.fusedKernel);
    goals.push({
      goal: 'wasm: step never slower than the op chain',
      measured: `${fused ? '' : 'no fused kernel, the chain runs; '}chain/step >= ${ratio(slowest)}`,
      met: !fused || slowest >= 1,
    });
  }
  for (const figures of memory) {
    const flat = figures.tensorsGrowth === 0 && figures.bytesGrowth === 0 && (figures.gpuBytesGrowth ?? 0) === 0 && figures.tensorsLeft === 0 && figures.bytesLeft === 0;
    goals.push({
      goal: `${figures.backend}: memory flat over ${figures.steps} steps`,
      measured: `${figures.tensorsGrowth} tensors, ${figures.bytesGrowth} B${figures.gpuBytesGrowth === null ? '' : `, ${figures.gpuBytesGrowth} GPU B`}; left ${figures.tensorsLeft} tensors`,
      met: flat,
    });
  }
  return goals;
}

const tableOf = ({ header, lines }: { header: string[]; lines: string[][] }) => table(header, lines);
const programs = (row: Row) => (row.stepPrograms === null ? '-' : `${row.stepPrograms} / ${row.chainPrograms}`);

export function formatReport(report: BenchReport): string {
  const steps = table(
    ['backend', 'shape', 'step us', 'chain us', 'chain/step', 'JS step us', 'step/JS step', 'JS pass us', 'step/JS pass', 'kernel pass us', 'bytes/step', 'copy us', 'step/copy', 'noise draw us', 'draw/step', 'JS draw us', 'programs step/chain'],
    report.rows.map((row) => [
      row.backend + (row.fusedKernel ? '' : ' (no fused)'),
      row.shape,
      micros(row.stepUs),
      micros(row.chainUs),
      ratio(row.chainOverStep),
      micros(row.scalarStepUs),
      ratio(row.stepOverScalarStep),
      micros(row.scalarPassUs),
      ratio(row.stepOverScalarPass),
      micros(row.kernelPassUs),
      `${(row.bytesPerStep / 2 ** 20).toFixed(1)} MiB`,
      micros(row.copyUs),
      ratio(row.stepOverCopy),
      micros(row.noiseDrawUs),
      ratio(row.noiseDrawOverStep),
      micros(row.noiseDrawJsUs),
      programs(row),
    ]),
  );
  const sizeOf = (shape: string) => shape.split('x').reduce((size, length) => size * Number(length), 1);
  // values per microsecond are millions per second
  const valuesPerSecond = (shape: string, us: number) => (sizeOf(shape) / us).toFixed(1);
  const draws = table(
    ['shape', 'values', 'threefry us', 'threefry M/s', 'threefry JS M/s', 'torch us', 'torch M/s', 'torch JS us', 'torch JS M/s', 'torch/threefry'],
    report.host.map((figures, i) => {
      const shape = report.shapes[i];
      return [
        shape,
        `${sizeOf(shape)}`,
        micros(figures.noiseDrawUs),
        valuesPerSecond(shape, figures.noiseDrawUs),
        valuesPerSecond(shape, figures.noiseDrawJsUs),
        micros(figures.torchDrawUs),
        valuesPerSecond(shape, figures.torchDrawUs),
        micros(figures.torchDrawJsUs),
        valuesPerSecond(shape, figures.torchDrawJsUs),
        ratio(figures.torchDrawUs / figures.noiseDrawUs),
      ];
    }),
  );
  const memory = table(
    ['backend', 'shape', 'steps', 'tensor growth', 'byte growth', 'GPU byte growth', 'tensors left', 'bytes left'],
    report.memory.map((m) => [m.backend, m.shape.join('x'), `${m.steps}`, `${m.tensorsGrowth}`, `${m.bytesGrowth}`, m.gpuBytesGrowth === null ? '-' : `${m.gpuBytesGrowth}`, `${m.tensorsLeft}`, `${m.bytesLeft}`]),
  );
  const sampleRuns = table(
    ['backend', 'run', 'samples', 'steps', 's per run', 'samples/s', 'near data'],
    report.sampleRuns.map((run) => [
      run.backend,
      run.model,
      `${run.count}`,
      `${run.steps}`,
      run.seconds.toFixed(3),
      run.samplesPerSecond >= 100 ? run.samplesPerSecond.toFixed(0) : run.samplesPerSecond.toFixed(1),
      `${(100 * run.shareNearData).toFixed(1)}%`,
    ]),
  );
  const aroundModel = [
    'Around a model, per step with a one-op model (x * 0.5): the loop (model and update) in ms, and each update over ours',
    tableOf(oneOpLines(report.modelLoops)),
    'Around a layer stack of about 20 ms per call: what each update adds per step (loop - model alone, within a round), ms and share of the model',
    tableOf(overheadLines(report.modelLoops)),
    'sample() against a bare loop of init and step (one-op model)',
    tableOf(sampleOverheadLines(report.sampleOverhead)),
    'Every scheduler of the registry (steps of its longest run, noise given)',
    tableOf(schedulerLines(report.schedulers)),
  ];
  const goals = table(
    ['met', 'goal', 'measured'],
    report.goals.map((goal) => [goal.met ? 'yes' : 'NO', goal.goal, goal.measured]),
  );
  const skipped = report.skipped.map((skip) => `${skip.backend}: skipped, ${skip.reason}`);
  const machine = Object.entries(report.machine).map(([name, value]) => `${name}: ${value}`);
  return [machine.join('\n'), steps, draws, memory, sampleRuns, ...aroundModel, goals, ...skipped].join('\n\n');
}
