/**
 * `npm run bench`: the fused DDIM step against the plain op chain, the pure-JS limit and the
 * memory limit, per backend (cpu, wasm, tfjs-node in Node; webgl, webgpu in headless Chromium)
 * and per size. Prints a table; `--json` prints the figures as JSON on stdout instead (the
 * table then goes to stderr); `--quick` spends a fraction of the time (rougher figures).
 */
import { cpus, loadavg, totalmem } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { benchBrowser } from './browser';
import { CPU_BUDGET, GPU_BUDGET, quick, SHAPES } from './config';
import { hostVariants } from './host_bench';
import { formatReport, goalsOf, hostFiguresOf, rowsOf, type BackendFigures, type BenchReport } from './report';
import { benchMemory, benchSteps, type StepFigures } from './step_bench';
import type { TimingBudget } from './timing';

const USAGE = 'usage: npm run bench -- [--json] [--quick]';

const progress = (message: string) => process.stderr.write(`${message}\n`);

async function useBackend(name: string): Promise<void> {
  if (!(await tf.setBackend(name)) || tf.getBackend() !== name) throw new Error(`the ${name} backend did not start`);
  await tf.ready();
}

/** Steps and memory on a Node backend; on cpu, the host limits are timed in the same rounds. */
async function benchNodeBackend(name: string, budget: TimingBudget): Promise<{ steps: StepFigures[]; memory: BackendFigures['memory'] }> {
  progress(`${name}: steps${name === 'cpu' ? ' and host limits' : ''}`);
  await useBackend(name);
  const steps = await benchSteps(SHAPES, budget, name === 'cpu' ? hostVariants : undefined);
  progress(`${name}: ${SHAPES[0].join('x')} memory over 1000 steps`);
  return { steps, memory: await benchMemory(SHAPES[0]) };
}

/** tfjs-node registers the 'tensorflow' backend when it loads; why not, when it does not. */
async function loadTfjsNode(): Promise<string | null> {
  const name = '@tensorflow/tfjs-node'; // not a dependency: resolved at run time only
  try {
    await import(name);
    return null;
  } catch (error) {
    return `@tensorflow/tfjs-node did not load (${(error as Error).message.split('\n')[0]}); it is not installed here: its native addon downloads libtensorflow at install time, which this machine's closed network prevents`;
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
  const started = performance.now();

  // The cpu backend greets Node users with a tfjs-node hint on its first tensor unless IS_TEST
  // is on; IS_TEST then goes off again, as it makes the engine check every kernel for leaks.
  tf.env().set('IS_TEST', true);
  await useBackend('cpu');
  tf.tensor([0]).dispose();
  tf.env().set('IS_TEST', false);
  const loadBefore = loadavg()[0];

  const cpu = await benchNodeBackend('cpu', cpuBudget);
  const host = hostFiguresOf(cpu.steps);
  const hostCopy = host.map((figures) => figures.copyUs);
  const backends: BackendFigures[] = [{ ...cpu, copyUs: hostCopy }];
  backends.push({ ...(await benchNodeBackend('wasm', cpuBudget)), copyUs: hostCopy });
  const skipped: Array<{ backend: string; reason: string }> = [];
  const tfjsNodeProblem = await loadTfjsNode();
  if (tfjsNodeProblem === null) backends.push({ ...(await benchNodeBackend('tensorflow', cpuBudget)), copyUs: hostCopy });
  else skipped.push({ backend: 'tensorflow', reason: tfjsNodeProblem });
  progress('webgl, webgpu: in headless Chromium');
  for (const result of await benchBrowser(['webgl', 'webgpu'], gpuBudget)) {
    if ('skipped' in result) skipped.push({ backend: result.backend, reason: result.skipped });
    else backends.push(result.figures);
  }

  const rows = rowsOf(host, backends);
  const memory = backends.map((figures) => figures.memory);
  const report: BenchReport = {
    machine: {
      cpu: `${cpus()[0]?.model ?? 'unknown'} (${cpus().length} cores)`,
      memory: `${(totalmem() / 2 ** 30).toFixed(0)} GiB`,
      node: process.version,
      tfjs: tf.version_core,
      run: `${((performance.now() - started) / 1000).toFixed(0)} s${isQuick ? ' (--quick)' : ''}, ${new Date().toISOString().slice(0, 10)}`,
      'load average (1 min) before / after': `${loadBefore.toFixed(1)} / ${loadavg()[0].toFixed(1)}`,
    },
    shapes: SHAPES.map((shape) => shape.join('x')),
    host,
    rows,
    memory,
    skipped,
    goals: goalsOf(rows, memory, host, SHAPES.map((shape) => shape.join('x'))),
  };
  if (args.includes('--json')) {
    process.stderr.write(`${formatReport(report)}\n`);
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    process.stdout.write(`${formatReport(report)}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
