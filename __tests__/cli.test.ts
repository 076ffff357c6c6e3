// `tfjs-ddim sample`, spawned as users run it (tsx on the source): exit codes, one-line errors,
// the --json report, the samples file and the PNG. And, in process, flat memory over chunks.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { PNG } from 'pngjs';
import { DdimScheduler, GLYPH_SHAPE, glyphsDenoiser, sample } from 'tfjs-diffusion-schedulers';
import { runCli } from '../src/cli/program';
import { runSampling } from '../src/cli/run_sampling';
import { useBackend } from './helpers/backends';
import { tensorflowUnavailable } from './parity/node_backends';
import { nodeWebGpuUnavailable } from './parity/node_webgpu_driver';

const root = join(__dirname, '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const outDir = mkdtempSync(join(tmpdir(), 'tfjs-ddim-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

/** Why each optional backend cannot run here (null: it can); REQUIRE_TFJS_NODE=1 and REQUIRE_NODE_WEBGPU=1 make that a failure. */
const unavailable = { tensorflow: tensorflowUnavailable(), webgpu: nodeWebGpuUnavailable() };
for (const [backend, reason] of Object.entries(unavailable)) if (reason) console.warn(`--backend ${backend} runs skipped: ${reason}`);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function spawnCli(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(tsx, ['src/cli/main.ts', ...args], { cwd: root, encoding: 'utf8' }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

function decodePng(file: string): PNG {
  return PNG.sync.read(readFileSync(file));
}

/** Distinct RGB colours of a picture: a blank one has one. */
function colourCount(png: PNG): number {
  const colours = new Set<number>();
  for (let i = 0; i < png.data.length; i += 4) colours.add((png.data[i] << 16) | (png.data[i + 1] << 8) | png.data[i + 2]);
  return colours.size;
}

/** runCli in this process, stdout and stderr captured: for the many argument mistakes, without a process each. */
async function runCliInProcess(args: string[]): Promise<Run> {
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

const badArguments: [string[], RegExp][] = [
  [['sample', '--foo'], /^tfjs-ddim: error: unknown option '--foo'$/],
  [['sample', '--stpes', '3'], /^tfjs-ddim: error: unknown option '--stpes' \(Did you mean --steps\?\)$/],
  [['sample', '--steps', '0'], /option '--steps <N>' argument '0' is invalid\. It must be an integer in \[1, 1000\]\.$/],
  [['sample', '--steps', '2.5'], /option '--steps <N>' argument '2.5' is invalid/],
  [['sample', '--eta', '-1'], /option '--eta <E>' argument '-1' is invalid\. It must be a number >= 0\.$/],
  [['sample', '--eta', 'fast'], /option '--eta <E>' argument 'fast' is invalid/],
  [['sample', '--dataset', 'foo'], /option '--dataset <name>' argument 'foo' is invalid\. Allowed choices are glyphs, ring\.$/],
  [['sample', '--batch', '0'], /option '--batch <B>' argument '0' is invalid\. It must be an integer in \[1, 1000000\]\.$/],
  [['sample', '--count', 'many'], /option '--count <K>' argument 'many' is invalid/],
  [['sample', '--seed', '-3'], /option '--seed <S>' argument '-3' is invalid\. It must be an integer in \[0, 2\^53 - 1\]\.$/],
  [['sample', '--backend', 'webgl'], /option '--backend <name>' argument 'webgl' is invalid\. Allowed choices are cpu, wasm, tensorflow, webgpu\.$/],
  [['sample', '--out', 'picture.jpg'], /option '--out <FILE.png>' argument 'picture\.jpg' is invalid\. It must be a file name ending in \.png\.$/],
  [['sample', '--out', '.png'], /option '--out <FILE.png>' argument '\.png' is invalid/],
  [['sample', '--count'], /option '--count <K>' argument missing$/],
  [['sample', 'extra'], /too many arguments for 'sample'/],
  [['draw'], /unknown command 'draw'/],
  [[], /^tfjs-ddim: error: a command is needed: tfjs-ddim sample \[options\]/],
];

describe('bad arguments: exit code 2, one line on stderr naming the argument, no stack trace', () => {
  test.each(badArguments)('%j', async (args, message) => {
    const { code, stdout, stderr } = await runCliInProcess(args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    const lines = stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
  });

  // The same, as a process: the exit code and stderr a shell sees.
  const spawned = new Set(['sample --foo', 'sample --steps 0', 'draw']);
  test.concurrent.each(badArguments.filter(([args]) => spawned.has(args.join(' '))))('spawned: %j', async (args, message) => {
    const { code, stdout, stderr } = await spawnCli(args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(message)]);
  });

  // Where tfjs-node is installed (CI installs it) there is nothing to report.
  (unavailable.tensorflow === null ? test.skip : test.concurrent)('--backend tensorflow without tfjs-node says how to get it', async () => {
    const { code, stdout, stderr } = await spawnCli(['sample', '--backend', 'tensorflow', '--out', join(outDir, 'tf.png')]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/needs @tensorflow\/tfjs-node, which is not installed: run `npm i @tensorflow\/tfjs-node`.*README's tfjs-node section builds it from the tensorflow-cpu wheel/)]);
  });

  test.concurrent('a PNG that cannot be written: exit code 1, one line', async () => {
    const notADirectory = join(outDir, 'plain-file');
    writeFileSync(notADirectory, '');
    const { code, stderr } = await spawnCli(['sample', '--out', join(notADirectory, 'x.png')]);
    expect(code).toBe(1);
    expect(stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^tfjs-ddim: error: .*plain-file/)]);
  });

  test.concurrent('an output folder under /proc (where Node\'s recursive mkdir never returns): exit code 1 at once', async () => {
    const { code, stderr } = await spawnCli(['sample', '--out', '/proc/no-such-folder/x.png']);
    expect(code).toBe(1);
    expect(stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^tfjs-ddim: error: .*\/proc\/no-such-folder/)]);
  });

  test('--help goes to stdout with exit code 0', async () => {
    const { code, stdout } = await runCliInProcess(['sample', '--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/--dataset <name>[\s\S]*--json/);
  });
});

describe('runs', () => {
  test.concurrent('glyphs --json: exactly one JSON object, the samples file, a grid PNG', async () => {
    const out = join(outDir, 'glyphs.png');
    const { code, stdout, stderr } = await spawnCli(['sample', '--json', '--count', '20', '--batch', '8', '--steps', '20', '--eta', '0.5', '--seed', '7', '--out', out]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(Object.keys(report).sort()).toEqual(['backend', 'count', 'dataset', 'eta', 'quality', 'samplesFile', 'samplesPerSecond', 'seconds', 'seed', 'steps'].sort());
    expect(report).toMatchObject({ dataset: 'glyphs', steps: 20, eta: 0.5, seed: 7, count: 20, backend: 'cpu', samplesFile: join(outDir, 'glyphs.samples.json') });
    expect(report.samplesPerSecond).toBeCloseTo(20 / report.seconds, 6);
    expect(report.quality.shareNearGlyph).toBe(1);
    expect(report.quality.sharePerGlyph).toHaveLength(10);

    const samples = JSON.parse(readFileSync(report.samplesFile, 'utf8'));
    expect(samples.shape).toEqual([20, 16, 16, 1]);
    expect(samples.values).toHaveLength(20 * 256);
    const png = decodePng(out);
    // 8 margin + strip (2 cells + 16) + 5 rows of 5 cells, cells 48 px with 4 px gaps; 10 preview columns set the width.
    expect([png.width, png.height]).toEqual([16 + 10 * 52 - 4, 16 + 2 * 52 - 4 + 16 + 4 * 52 - 4]);
    expect(colourCount(png)).toBeGreaterThan(2);
  });

  // The same run on the native and GPU backends: the exact glyph denoiser's exp and sums may
  // round differently there (measured: tensorflow 6e-8, one float32 ulp near 1; webgpu on Mesa 0).
  for (const backend of ['tensorflow', 'webgpu'] as const) {
    (unavailable[backend] ? test.skip : test.concurrent)(`glyphs --json on ${backend}: the cpu run's samples, within 1e-6`, async () => {
      const args = ['sample', '--json', '--count', '12', '--batch', '8', '--steps', '20', '--eta', '0.5', '--seed', '7'];
      const runs = await Promise.all(['cpu', backend].map((name) => spawnCli([...args, '--backend', name, '--out', join(outDir, `same-${backend}`, `${name}.png`)])));
      const [cpu, other] = runs.map(({ code, stdout }) => {
        expect(code).toBe(0);
        const report = JSON.parse(stdout);
        return { report, values: JSON.parse(readFileSync(report.samplesFile, 'utf8')).values as number[] };
      });
      expect(other.report).toMatchObject({ backend, count: 12, quality: cpu.report.quality });
      expect(other.values).toHaveLength(12 * 256);
      const largest = Math.max(...other.values.map((value, i) => Math.abs(value - cpu.values[i])));
      expect(largest).toBeLessThanOrEqual(1e-6);
    });
  }

  test.concurrent('ring on wasm --json: quality per mean, a 512 x 512 scatter plot', async () => {
    const out = join(outDir, 'ring.png');
    const { code, stdout } = await spawnCli(['sample', '--dataset', 'ring', '--backend', 'wasm', '--count', '800', '--steps', '30', '--json', '--out', out]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ dataset: 'ring', backend: 'wasm', count: 800, quality: { distance: 0.2 } });
    expect(report.quality.shareNearMean).toBeGreaterThanOrEqual(0.98);
    expect(report.quality.sharePerMean).toHaveLength(8);
    const png = decodePng(out);
    expect([png.width, png.height]).toEqual([512, 512]);
    expect(colourCount(png)).toBeGreaterThan(10);
    expect(existsSync(join(outDir, 'ring.samples.json'))).toBe(true);
  });

  test.concurrent('text summary, no progress bar when stdout is not a terminal', async () => {
    const out = join(outDir, 'text', 'glyphs.png');
    const { code, stdout } = await spawnCli(['sample', '--count', '4', '--steps', '10', '--out', out]);
    expect(code).toBe(0);
    expect(stdout).not.toContain(String.fromCharCode(27)); // no escape codes
    expect(stdout).not.toMatch(/\r|░|█/);
    expect(stdout).toMatch(/^4 glyphs samples, 10 DDIM steps \(eta 0, seed 0, batches of 4\) on cpu: [\d.]+ s, [\d.]+ samples\/s\nquality: 100\.0% within RMS 0\.1 of a glyph/);
    expect(existsSync(out)).toBe(true);
  });
});

describe('chunks (in process)', () => {
  beforeAll(() => useBackend('cpu'));

  test('--count above --batch: memory flat across chunks; chunk c is the run with seed + c', async () => {
    const scheduler = new DdimScheduler();
    const denoiser = glyphsDenoiser(scheduler);
    const before = tf.memory().numTensors;
    const afterChunks: number[] = [];
    const result = await runSampling({
      scheduler, denoiser, itemShape: GLYPH_SHAPE, steps: 8, seed: 5, count: 35, batch: 10, previewFrames: 3,
      onChunk: () => afterChunks.push(tf.memory().numTensors),
    });
    expect(afterChunks).toEqual([before, before, before, before]);
    expect(result.values).toHaveLength(35 * 256);
    expect(result.preview.map((frame) => frame.index)).toEqual([0, 4, 7]);

    const third = await sample(scheduler, denoiser, { numSteps: 8, shape: [10, ...GLYPH_SHAPE], seed: 7 });
    expect(Array.from(result.values.subarray(20 * 256, 30 * 256))).toEqual(Array.from(third.dataSync()));
    third.dispose();
  });
});
