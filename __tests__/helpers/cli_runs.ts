/** Running `tfjs-diffusion` in tests: spawned as users run it (tsx on the source), or in jest's process. */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { GLYPH_SHAPE, random, sample, type Denoiser, type Scheduler } from 'tfjs-diffusion-schedulers';
import { runCli } from '../../src/cli/program';

export const ROOT = join(__dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface SpawnOptions {
  /** Extra environment variables (NODE_OPTIONS, say). */
  env?: Record<string, string>;
  /** The built command (dist/cli.js, run by node) instead of the source under tsx. */
  built?: boolean;
  /** A file size limit in KiB (the shell's `ulimit -f`): a write past it fails with EFBIG, as on a full disk. */
  fileSizeLimitKb?: number;
}

/** `tfjs-diffusion ...args` as a process: the exit code and output a shell sees (a process killed by a signal: 128 + its number, as tsx and shells report it). */
export function spawnCli(args: string[], options: SpawnOptions = {}): Promise<CliRun> {
  const command = options.built ? [process.execPath, join(ROOT, 'dist', 'cli.js')] : [TSX, 'src/cli/main.ts'];
  const [file, ...commandArgs] =
    options.fileSizeLimitKb === undefined ? [...command, ...args] : ['bash', '-c', `ulimit -f ${options.fileSizeLimitKb} && exec "$@"`, 'bash', ...command, ...args];
  return new Promise((resolve) => {
    execFile(file, commandArgs, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...options.env } }, (error, stdout, stderr) => {
      const code = error === null ? 0 : error.signal ? 128 + constants.signals[error.signal] : Number(error.code);
      resolve({ code, stdout, stderr });
    });
  });
}

/** runCli in this process, stdout and stderr captured: for the many argument mistakes, without a process each. */
export async function runCliInProcess(args: string[]): Promise<CliRun> {
  const written = { stdout: '', stderr: '' };
  const capture = (stream: 'stdout' | 'stderr') =>
    jest.spyOn(process[stream], 'write').mockImplementation((chunk: string | Uint8Array) => {
      written[stream] += String(chunk);
      return true;
    });
  const spies = [capture('stdout'), capture('stderr')];
  try {
    return { code: await runCli(args), ...written };
  } finally {
    spies.forEach((spy) => spy.mockRestore());
  }
}

/** The lines of a run's stderr (none for an empty one). */
export const stderrLines = (run: CliRun) => (run.stderr === '' ? [] : run.stderr.trimEnd().split('\n'));

export function decodePng(file: string): PNG {
  return PNG.sync.read(readFileSync(file));
}

/** Distinct RGB colours of a picture: a blank one has one. */
export function colourCount(png: PNG): number {
  const colours = new Set<number>();
  for (let i = 0; i < png.data.length; i += 4) colours.add((png.data[i] << 16) | (png.data[i + 1] << 8) | png.data[i + 2]);
  return colours.size;
}

/** The `{ shape, values }` samples file a run wrote. */
export function readSamples(file: string): { shape: number[]; values: number[] } {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/**
 * The samples of batch-of-one `sample()` runs, one per seed, flat: what the command's samples
 * with those seeds (run seed + index) must be, whatever batches made them.
 */
export async function samplesOneByOne(
  scheduler: Scheduler,
  denoiser: Denoiser,
  steps: number,
  seeds: number[],
  generator: 'nx' | 'torch',
  itemShape: readonly number[] = GLYPH_SHAPE,
): Promise<number[]> {
  const values: number[] = [];
  for (const seed of seeds) {
    const noise = generator === 'nx' ? { seed } : { generator: random.torchGenerator(seed) };
    const one = await sample(scheduler, denoiser, { numSteps: steps, shape: [1, ...itemShape], ...noise });
    values.push(...one.dataSync());
    one.dispose();
  }
  return values;
}
