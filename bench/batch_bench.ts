/**
 * The batch rows of `npm run bench`: whole `tfjs-diffusion sample` runs (glyphs, 50 DDIM steps,
 * batches of 16) on cpu and wasm with --workers 1, 2 and every core, as the command makes them
 * (its runCli, in this process, so that the CPU time of its worker threads is counted): samples
 * per second of the whole run (the workers' start included), the start (a one-step run of as
 * many samples as workers), samples per second once started (the run minus the start), the
 * speedup over one worker once started and per worker, and the CPU time per 1000 samples once
 * started (all threads: what the workers cost beside one, whatever else runs on the cores). Other
 * processes share the machine's cores: each row notes the load average when it began.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../src/cli/program';
import { ratio, table } from './format';
import type { Goal } from './report';
import { median } from './timing';

export interface BatchRunFigures {
  readonly backend: string;
  readonly workers: number;
  readonly count: number;
  /** Median over the runs, in seconds: the whole sampling, and the start alone. */
  readonly seconds: number;
  readonly startSeconds: number;
  readonly samplesPerSecond: number;
  readonly startedSamplesPerSecond: number;
  /** startedSamplesPerSecond over that of one worker on the backend; per worker. */
  readonly speedup: number;
  readonly speedupPerWorker: number;
  /** CPU time of the process (all its threads) per 1000 samples once started (the run's minus the start's). */
  readonly cpuSecondsPer1000: number;
  readonly runs: number;
  /** The machine's load average (1 min) when the row began. */
  readonly loadAverage: number;
}

const STEPS = 50;
const BATCH = 16;
/** Samples per run: a few seconds with one worker here (wasm samples glyphs some 4x faster than cpu). */
const COUNTS: Record<string, number> = { cpu: 512, wasm: 2048 };

/** Runs the command in this process, its stdout captured: the --json report and the CPU time used. */
async function commandRun(args: string[]): Promise<{ seconds: number; cpuSeconds: number }> {
  let stdout = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  const before = process.cpuUsage();
  let code: number;
  try {
    code = await runCli(args);
  } finally {
    process.stdout.write = write;
  }
  const used = process.cpuUsage(before);
  if (code !== 0) throw new Error(`tfjs-diffusion ${args.join(' ')} exited with ${code}`);
  return { seconds: (JSON.parse(stdout) as { seconds: number }).seconds, cpuSeconds: (used.user + used.system) / 1e6 };
}

/** The worker counts of the rows: 1, 2 and every core, each once. */
function workerCounts(): number[] {
  return [...new Set([1, 2, availableParallelism()])].sort((a, b) => a - b);
}

export async function benchBatchRuns(runs: number, isQuick: boolean, progress: (message: string) => void): Promise<BatchRunFigures[]> {
  const outDir = mkdtempSync(join(tmpdir(), 'tfjs-diffusion-bench-'));
  const figures: BatchRunFigures[] = [];
  try {
    for (const backend of ['cpu', 'wasm']) {
      const count = isQuick ? COUNTS[backend] / 4 : COUNTS[backend];
      let oneWorker = 0;
      for (const workers of workerCounts()) {
        progress(`batch: ${count} glyphs on ${backend}, --workers ${workers}`);
        const loadAverage = loadavg()[0];
        const common = ['sample', '--backend', backend, '--workers', String(workers), '--json', '--out', join(outDir, `${backend}-${workers}.png`)];
        const whole: number[] = [];
        const start: number[] = [];
        const cpu: number[] = [];
        for (let run = 0; run < runs; run++) {
          const sampled = await commandRun([...common, '--count', String(count), '--batch', String(BATCH), '--steps', String(STEPS), '--seed', String(run)]);
          const started = await commandRun([...common, '--count', String(workers), '--batch', '1', '--steps', '1']);
          whole.push(sampled.seconds);
          start.push(started.seconds);
          cpu.push(sampled.cpuSeconds - started.cpuSeconds);
        }
        const [seconds, startSeconds] = [median(whole), median(start)];
        const startedSamplesPerSecond = count / Math.max(seconds - startSeconds, 1e-3);
        if (workers === 1) oneWorker = startedSamplesPerSecond;
        const speedup = startedSamplesPerSecond / oneWorker;
        figures.push({
          backend, workers, count, seconds, startSeconds, samplesPerSecond: count / seconds, startedSamplesPerSecond,
          speedup, speedupPerWorker: speedup / workers, cpuSecondsPer1000: (median(cpu) * 1000) / count, runs, loadAverage,
        });
      }
    }
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
  return figures;
}

/**
 * The bar: on a 2-core machine, --workers 2 samples glyphs on wasm at >= 1.6x the rate
 * of one worker (once started: the start is a fixed cost that a longer run spreads).
 */
const TWO_WORKER_GOAL = 1.6;

export function batchGoals(rows: readonly BatchRunFigures[]): Goal[] {
  const two = rows.find((row) => row.backend === 'wasm' && row.workers === 2);
  if (two === undefined) return [];
  return [{
    goal: `wasm glyphs: --workers 2 >= ${TWO_WORKER_GOAL}x --workers 1 (once started; ${availableParallelism()} cores, load ${two.loadAverage.toFixed(1)})`,
    measured: ratio(two.speedup),
    met: two.speedup >= TWO_WORKER_GOAL,
  }];
}

/** The rows as a text table. */
export function formatBatchRuns(rows: readonly BatchRunFigures[]): string {
  const header = ['backend', 'workers', 'samples', 'seconds', 'samples/s', 'start s', 'samples/s started', 'speedup', 'per worker', 'CPU s / 1000 started', 'load avg'];
  const cells = rows.map((row) => [
    row.backend, String(row.workers), String(row.count), row.seconds.toFixed(2), row.samplesPerSecond.toFixed(0), row.startSeconds.toFixed(2),
    row.startedSamplesPerSecond.toFixed(0), ratio(row.speedup), ratio(row.speedupPerWorker), row.cpuSecondsPer1000.toFixed(2), row.loadAverage.toFixed(1),
  ]);
  const title = `Batch sampling (tfjs-diffusion sample: glyphs, ${STEPS} DDIM steps, batches of ${BATCH}; ${availableParallelism()} cores, shared: see the load average)`;
  return `${title}\n${table(header, cells)}`;
}
