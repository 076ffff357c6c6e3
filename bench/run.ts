/**
 * `npm run bench`: the fused DDIM step against the plain op chain, the pure-JS limit and the
 * memory limit, per backend (cpu, wasm, tfjs-node and WebGPU through Dawn in Node; webgl, webgpu
 * in headless Chromium) and per size; sampling loops around a model (our step against the
 * read-back pattern of JS pipelines and the op chain), sample()'s own overhead, and one row per
 * scheduler of the registry, per backend; and whole `tfjs-ddim sample` runs per Node backend, in
 * samples per second, and against --workers (batch_bench.ts). Prints tables; `--json` prints
 * the figures as JSON on stdout instead (the tables then go to stderr); `--quick` spends a
 * fraction of the time (rougher figures).
 */
import { cpus, loadavg, totalmem } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { loadNodeWebGpuBackend } from '../src/cli/node_webgpu';
import { benchAroundModel, type AroundModelFigures } from './around_model';
import { batchGoals, benchBatchRuns, formatBatchRuns } from './batch_bench';
import { benchBrowser } from './browser';
import { CPU_BUDGET, GPU_BUDGET, NODE_WEBGPU, quick, SAMPLE_RUNS, SHAPES } from './config';
import { hostVariants } from './host_bench';
import { aroundModelGoals } from './model_report';
import { formatReport, goalsOf, hostFiguresOf, rowsOf, type BackendFigures, type BenchReport } from './report';
import { benchSampleRuns, type SampleRunFigures } from './sample_bench';
import { benchDeviceCopy, benchMemory, benchSteps, type StepFigures } from './step_bench';
import type { TimingBudget } from './timing';

const USAGE = 'usage: npm run bench -- [--json] [--quick]';

const progress = (message: string) => process.stderr.write(`${message}\n`);

async function useBackend(name: string): Promise<void> {
  if (!(await tf.setBackend(name)) || tf.getBackend() !== name) throw new Error(`the ${name} backend did not start`);
  await tf.ready();
}

interface NodeBackendFigures extends AroundModelFigures {
  steps: StepFigures[];
  memory: BackendFigures['memory'];
  /** Per shape, the device copy (webgpu); null on backends whose memory limit is the host's memcpy. */
  deviceCopyUs: number[] | null;
  runs: SampleRunFigures[];
}

/**
 * Steps, memory, the figures around a model and whole runs on a Node backend, named `label` in
 * the figures; on cpu, the host limits are timed in the same rounds as the steps; on webgpu,
 * the device copy.
 */
async function benchNodeBackend(name: string, budget: TimingBudget, sampleRuns: number, isQuick: boolean, label = name): Promise<NodeBackendFigures> {
  progress(`${label}: steps${name === 'cpu' ? ' and host limits' : ''}`);
  await useBackend(name);
  const relabel = <T extends { backend: string }>(figures: T): T => ({ ...figures, backend: label });
  const steps = (await benchSteps(SHAPES, budget, name === 'cpu' ? hostVariants : undefined)).map(relabel);
  let deviceCopyUs: number[] | null = null;
  if (name === 'webgpu') {
    deviceCopyUs = [];
    for (const shape of SHAPES) deviceCopyUs.push(await benchDeviceCopy(shape, budget));
  }
  progress(`${label}: ${SHAPES[0].join('x')} memory over 1000 steps`);
  const memory = relabel(await benchMemory(SHAPES[0]));
  progress(`${label}: around a model`);
  const around = await benchAroundModel(isQuick, progress);
  progress(`${label}: whole sample runs`);
  return {
    steps,
    memory,
    deviceCopyUs,
    runs: await benchSampleRuns(sampleRuns, label),
    modelLoops: around.modelLoops.map(relabel),
    sampleOverhead: relabel(around.sampleOverhead),
    schedulers: around.schedulers.map(relabel),
  };
}

/** Why a Node backend cannot run here (its loader's message), or null once it is registered. */
async function problemLoading(load: () => Promise<unknown>): Promise<string | null> {
  try {
    await load();
    return null;
  } catch (error) {
    return (error as Error).message.split('\n')[0];
  }
}

/** tfjs-node registers the 'tensorflow' backend when it loads. */
async function loadTfjsNode(): Promise<void> {
  const name = '@tensorflow/tfjs-node'; // not a dependency of the package: resolved at run time only
  try {
    await import(name);
  } catch (error) {
    throw new Error(`@tensorflow/tfjs-node did not load (${(error as Error).message.split('\n')[0]}); scripts/install-tfjs-node.sh installs it`);
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const unknown = args.filter((arg) => arg !== '--json' && arg !== '--quick');
  if (unknown.length > 0) {
    process.stderr.write(`unknown argument ${unknown[0]}; ${USAGE}\n`);
    process.exit(2);
  }
  const isQuick = args.includes('--quick');
  const cpuBudget = isQuick ? quick(CPU_BUDGET) : CPU_BUDGET;
  const gpuBudget = isQuick ? quick(GPU_BUDGET) : GPU_BUDGET;
  const sampleRuns = isQuick ? 1 : SAMPLE_RUNS;
  const started = performance.now();

  // The cpu backend greets Node users with a tfjs-node hint on its first tensor unless IS_TEST
  // is on; IS_TEST then goes off again, as it makes the engine check every kernel for leaks.
  tf.env().set('IS_TEST', true);
  await useBackend('cpu');
  tf.tensor([0]).dispose();
  tf.env().set('IS_TEST', false);
  const loadBefore = loadavg()[0];

  const cpu = await benchNodeBackend('cpu', cpuBudget, sampleRuns, isQuick);
  const host = hostFiguresOf(cpu.steps);
  const hostCopy = host.map((figures) => figures.copyUs);
  const nodeFigures: NodeBackendFigures[] = [cpu, await benchNodeBackend('wasm', cpuBudget, sampleRuns, isQuick)];
  const skipped: Array<{ backend: string; reason: string }> = [];
  const tfjsNodeProblem = await problemLoading(loadTfjsNode);
  if (tfjsNodeProblem === null) nodeFigures.push(await benchNodeBackend('tensorflow', cpuBudget, sampleRuns, isQuick));
  else skipped.push({ backend: 'tensorflow', reason: tfjsNodeProblem });
  const nodeWebGpuProblem = await problemLoading(loadNodeWebGpuBackend);
  if (nodeWebGpuProblem === null) nodeFigures.push(await benchNodeBackend('webgpu', gpuBudget, sampleRuns, isQuick, NODE_WEBGPU));
  else skipped.push({ backend: NODE_WEBGPU, reason: nodeWebGpuProblem });
  const backends: BackendFigures[] = nodeFigures.map(({ steps, memory, deviceCopyUs }) => ({ steps, memory, copyUs: deviceCopyUs ?? hostCopy }));
  const around: AroundModelFigures[] = [...nodeFigures];
  progress('webgl, webgpu: in headless Chromium');
  for (const result of await benchBrowser(['webgl', 'webgpu'], gpuBudget, isQuick)) {
    if ('skipped' in result) skipped.push({ backend: result.backend, reason: result.skipped });
    else {
      backends.push(result.figures);
      around.push(result.figures);
    }
  }
  const modelLoops = around.flatMap((figures) => figures.modelLoops);
  const sampleOverhead = around.map((figures) => figures.sampleOverhead);
  const schedulers = around.flatMap((figures) => figures.schedulers);

  // Last: the command switches this process's backend.
  const batchRuns = await benchBatchRuns(sampleRuns, isQuick, progress);

  const rows = rowsOf(host, backends);
  const memory = backends.map((figures) => figures.memory);
  const shapes = SHAPES.map((shape) => shape.join('x'));
  const report: BenchReport = {
    machine: {
      cpu: `${cpus()[0]?.model ?? 'unknown'} (${cpus().length} cores)`,
      memory: `${(totalmem() / 2 ** 30).toFixed(0)} GiB`,
      node: process.version,
      tfjs: tf.version_core,
      run: `${((performance.now() - started) / 1000).toFixed(0)} s${isQuick ? ' (--quick)' : ''}, ${new Date().toISOString().slice(0, 10)}`,
      'load average (1 min) before / after': `${loadBefore.toFixed(1)} / ${loadavg()[0].toFixed(1)}`,
    },
    shapes,
    host,
    rows,
    memory,
    sampleRuns: nodeFigures.flatMap((figures) => figures.runs),
    modelLoops,
    sampleOverhead,
    schedulers,
    skipped,
    goals: [
      ...goalsOf(rows, memory, host, shapes),
      ...aroundModelGoals(modelLoops, sampleOverhead, schedulers),
      ...batchGoals(batchRuns),
    ],
  };
  const text = `${formatReport(report)}\n\n${formatBatchRuns(batchRuns)}`;
  if (args.includes('--json')) {
    process.stderr.write(`${text}\n`);
    process.stdout.write(`${JSON.stringify({ ...report, batchRuns }, null, 2)}\n`);
  } else {
    process.stdout.write(`${text}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
