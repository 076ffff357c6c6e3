// `tfjs-diffusion sample` and `tfjs-diffusion schedulers`: exit codes, one-line errors, the --json
// report, the samples file and the PNG, spawned as users run them (tsx on the source) or in
// process; and, in process, flat memory over batches and the noise of each sample.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { availableParallelism } from 'node:os';
import { DdimScheduler, EulerAncestralScheduler, GLYPH_SHAPE, glyphsDenoiser } from 'tfjs-diffusion-schedulers';
import { importOptional, MissingPackageError } from '../src/cli/optional_import';
import { runSampling } from '../src/cli/run_sampling';
import { SCHEDULERS } from '../src/schedulers/registry';
import { useBackend } from './helpers/backends';
import { colourCount, decodePng, readSamples, runCliInProcess, samplesOneByOne, spawnCli, stderrLines } from './helpers/cli_runs';
import { tensorflowUnavailable } from './parity/node_backends';
import { nodeWebGpuUnavailable } from './parity/node_webgpu_driver';

const outDir = mkdtempSync(join(tmpdir(), 'tfjs-diffusion-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));
beforeAll(() => useBackend('cpu')); // for the in-process runs' tf.memory() checks, whichever run first

/** Why each optional backend cannot run here (null: it can); REQUIRE_TFJS_NODE=1 and REQUIRE_NODE_WEBGPU=1 make that a failure. */
const unavailable = { tensorflow: tensorflowUnavailable(), webgpu: nodeWebGpuUnavailable() };
for (const [backend, reason] of Object.entries(unavailable)) if (reason) console.warn(`--backend ${backend} runs skipped: ${reason}`);

const names = SCHEDULERS.map((entry) => entry.name);
const samplingNames = SCHEDULERS.filter((entry) => entry.purpose === 'sampling').map((entry) => entry.name);

/** A scheduler_config.json in the temp folder. */
function configFile(name: string, config: object | string): string {
  const file = join(outDir, name);
  writeFileSync(file, typeof config === 'string' ? config : JSON.stringify(config));
  return file;
}

const ddimConfig = () => new DdimScheduler({ betaSchedule: 'quadratic', betaStart: 0.00085, betaEnd: 0.012 }).toDiffusersConfig();

const badArguments: [string[], RegExp][] = [
  [['sample', '--foo'], /^tfjs-diffusion: error: unknown option '--foo'$/],
  [['sample', '--stpes', '3'], /^tfjs-diffusion: error: unknown option '--stpes' \(Did you mean --steps\?\)$/],
  [['sample', '--steps', '0'], /option '--steps <N>' argument '0' is invalid\. It must be an integer in \[1, 1000\]\.$/],
  [['sample', '--steps', '2.5'], /option '--steps <N>' argument '2.5' is invalid/],
  [['sample', '--eta', '-1'], /option '--eta <E>' argument '-1' is invalid\. It must be a number >= 0\.$/],
  [['sample', '--eta', 'fast'], /option '--eta <E>' argument 'fast' is invalid/],
  [['sample', '--eta', '2000'], /^tfjs-diffusion: error: the ddim scheduler: eta must be .*got 2000$/],
  [['sample', '--dataset', 'foo'], /option '--dataset <name>' argument 'foo' is invalid\. Allowed choices are glyphs, ring\.$/],
  [['sample', '--batch', '0'], /option '--batch <B>' argument '0' is invalid\. It must be an integer in \[1, 1000000\]\.$/],
  [['sample', '--count', 'many'], /option '--count <K>' argument 'many' is invalid/],
  [['sample', '--seed', '-3'], /option '--seed <S>' argument '-3' is invalid\. It must be an integer in \[0, 2\^53 - 1\]\.$/],
  [['sample', '--backend', 'webgl'], /option '--backend <name>' argument 'webgl' is invalid\. Allowed choices are cpu, wasm, tensorflow, webgpu\.$/],
  [['sample', '--out', 'picture.jpg'], /option '--out <FILE.png>' argument 'picture\.jpg' is invalid\. It must be a file name ending in \.png\.$/],
  [['sample', '--out', '.png'], /option '--out <FILE.png>' argument '\.png' is invalid/],
  [['sample', '--count'], /option '--count <K>' argument missing$/],
  [['sample', '--scheduler', 'foo'], new RegExp(`option '--scheduler <name>' argument 'foo' is invalid\\. Allowed choices are ${names.join(', ')}\\.$`)],
  [['sample', '--generator', 'mt'], /option '--generator <name>' argument 'mt' is invalid\. Allowed choices are nx, torch\.$/],
  [['sample', '--shape', '8,x,3', '--model', 'm.json'], /option '--shape <H,W,C>' argument '8,x,3' is invalid\. It must be positive integers separated by commas/],
  [['sample', '--shape', '0,8,3', '--model', 'm.json'], /option '--shape <H,W,C>' argument '0,8,3' is invalid/],
  [['sample', '--shape', '8,8,3'], /^tfjs-diffusion: error: --shape goes with --model/],
  [['sample', '--shape', '8,8,3', '--model', 'm.json', '--dataset', 'ring'], /--shape goes with --model alone: the ring data set has its own shape$/],
  [['sample', '--scheduler-config', '/no/such/config.json'], /^tfjs-diffusion: error: --scheduler-config \/no\/such\/config\.json cannot be read: ENOENT/],
  [['sample', '--model', '/no/such/model.json'], /^tfjs-diffusion: error: --model \/no\/such\/model\.json cannot be read as JSON: ENOENT/],
  [['sample', 'extra'], /too many arguments for 'sample'/],
  [['draw'], /unknown command 'draw'/],
  [[], /^tfjs-diffusion: error: a command is needed: tfjs-diffusion sample \[options\], tfjs-diffusion merge SHARD_FILE\.\.\. or tfjs-diffusion schedulers/],
];

function expectUsageError({ code, stdout, stderr }: { code: number; stdout: string; stderr: string }, message: RegExp): void {
  expect(stdout).toBe('');
  expect(stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(message)]);
  expect(code).toBe(2);
}

describe('bad arguments: exit code 2, one line on stderr naming the argument, no stack trace', () => {
  test.each(badArguments)('%j', async (args, message) => {
    expectUsageError(await runCliInProcess(args), message);
  });

  // The same, as a process: the exit code and stderr a shell sees.
  const spawned = new Set(['sample --foo', 'sample --steps 0', 'draw']);
  test.concurrent.each(badArguments.filter(([args]) => spawned.has(args.join(' '))))('spawned: %j', async (args, message) => {
    expectUsageError(await spawnCli(args), message);
  });

  test.each(SCHEDULERS.filter((entry) => entry.purpose !== 'sampling').map((entry) => [entry.name, entry.diffusersClass]))(
    '--scheduler %s (not a sampler) says which schedulers sample',
    async (name, diffusersClass) => {
      const message = new RegExp(`^tfjs-diffusion: error: the ${name} scheduler \\(${diffusersClass}\\) runs inversion, from data towards noise, and cannot sample; sample with ${samplingNames.join(', ')}$`);
      expectUsageError(await runCliInProcess(['sample', '--scheduler', name]), message);
    },
  );

  const withoutEta = SCHEDULERS.filter((entry) => entry.purpose === 'sampling' && !('eta' in (entry.create().options as object)));
  if (withoutEta.length > 0) {
    test.each(withoutEta.map((entry) => entry.name))('--eta with %s, which has no eta', async (name) => {
      expectUsageError(await runCliInProcess(['sample', '--scheduler', name, '--eta', '0.5']), new RegExp(`--eta is an option of .*; the ${name} scheduler has none$`));
    });
  }

  test('--scheduler-config files that are no config', async () => {
    const cases: [string, RegExp][] = [
      [configFile('not-json.json', '{ "_class_name": '), /--scheduler-config .*not-json\.json is not JSON: /],
      [configFile('array.json', '[1, 2]'), /--scheduler-config .*array\.json must hold a JSON object \(a diffusers scheduler_config\.json\), got \[1, 2\]$/],
      [
        configFile('unknown-class.json', { _class_name: 'NoSuchScheduler', beta_schedule: 'linear' }),
        new RegExp(`_class_name "NoSuchScheduler" is none of ${SCHEDULERS.map((entry) => entry.diffusersClass).join(', ')}; add --scheduler NAME to read its keys as that class`),
      ],
      [configFile('bad-value.json', { ...ddimConfig(), beta_schedule: 'sigmoid' }), /--scheduler-config .*bad-value\.json as DDIMScheduler: beta_schedule must be one of .*got "sigmoid"$/],
    ];
    for (const [file, message] of cases) expectUsageError(await runCliInProcess(['sample', '--scheduler-config', file]), message);
  });

  test('--steps beyond what the scheduler allows names the scheduler and the bound', async () => {
    const file = configFile('short.json', { ...ddimConfig(), num_train_timesteps: 100 });
    expectUsageError(await runCliInProcess(['sample', '--scheduler-config', file, '--steps', '200']), /^tfjs-diffusion: error: --steps 200 with the ddim scheduler: numSteps must be an integer in \[1, 100\], got 200$/);
  });

  test('a missing optional package is named with how to install it', async () => {
    const missing = '@tensorflow/tfjs-backend-not-installed';
    await expect(importOptional(missing, '--backend x')).rejects.toThrow(new MissingPackageError(`--backend x needs ${missing}, which is not installed: run \`npm i ${missing}\``));
  });

  // Where tfjs-node is installed (CI installs it) there is nothing to report.
  // Not installed, or installed without its addon (its install script refused): either way one line.
  (unavailable.tensorflow === null ? test.skip : test.concurrent)('--backend tensorflow without a working tfjs-node: exit code 1, one line naming the package', async () => {
    const { code, stdout, stderr } = await spawnCli(['sample', '--backend', 'tensorflow', '--out', join(outDir, 'tf.png')]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    const notInstalled = /needs @tensorflow\/tfjs-node, which is not installed: run `npm i @tensorflow\/tfjs-node`/;
    const noAddon = /--backend tensorflow: @tensorflow\/tfjs-node is installed but does not load \(.*\)/;
    expect(stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(new RegExp(`^tfjs-diffusion: error: (${notInstalled.source}|${noAddon.source}).*README's tfjs-node section builds it from the tensorflow-cpu wheel\\)?$`))]);
  });

  test.concurrent('a PNG that cannot be written: exit code 1, one line', async () => {
    const notADirectory = join(outDir, 'plain-file');
    writeFileSync(notADirectory, '');
    const run = await spawnCli(['sample', '--out', join(notADirectory, 'x.png')]);
    expect(run.code).toBe(1);
    expect(stderrLines(run)).toEqual([expect.stringMatching(/^tfjs-diffusion: error: .*plain-file/)]);
  });

  test.concurrent("an output folder under /proc (where Node's recursive mkdir never returns): exit code 1 at once", async () => {
    const run = await spawnCli(['sample', '--out', '/proc/no-such-folder/x.png']);
    expect(run.code).toBe(1);
    expect(stderrLines(run)).toEqual([expect.stringMatching(/^tfjs-diffusion: error: .*\/proc\/no-such-folder/)]);
  });

  test('--help goes to stdout with exit code 0, and lists every flag', async () => {
    const { code, stdout } = await runCliInProcess(['sample', '--help']);
    expect(code).toBe(0);
    for (const flag of ['--scheduler <name>', '--scheduler-config <FILE>', '--dataset <name>', '--model <MODEL.json>', '--shape <H,W,C>', '--generator <name>', '--backend <name>', '--json']) {
      expect(stdout).toContain(flag);
    }
  });
});

describe('tfjs-diffusion schedulers', () => {
  test('one line per scheduler of the registry: name, diffusers class, what it suits; the default marked', async () => {
    const { code, stdout, stderr } = await runCliInProcess(['schedulers']);
    expect([code, stderr]).toEqual([0, '']);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(SCHEDULERS.length);
    SCHEDULERS.forEach((entry, i) => {
      const name = entry.name === 'ddim' ? 'ddim \\(default\\)' : entry.name;
      expect(lines[i]).toMatch(new RegExp(`^${name} +${entry.diffusersClass} +${entry.suits.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    });
    // Aligned columns: every class starts at the same place.
    expect(new Set(SCHEDULERS.map((entry, i) => lines[i].indexOf(` ${entry.diffusersClass}`))).size).toBe(1);
  });
});

describe('runs', () => {
  test.concurrent('glyphs --json: exactly one JSON object, rounded figures, the samples file, a grid PNG', async () => {
    const out = join(outDir, 'glyphs.png');
    const { code, stdout, stderr } = await spawnCli(['sample', '--json', '--count', '20', '--batch', '8', '--steps', '20', '--eta', '0.5', '--seed', '7', '--out', out]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(Object.keys(report).sort()).toEqual(
      ['backend', 'count', 'dataset', 'eta', 'generator', 'model', 'quality', 'resumed', 'samplesFile', 'samplesPerSecond', 'scheduler', 'seconds', 'seed', 'shard', 'steps', 'workers'].sort(),
    );
    expect(report).toMatchObject({ dataset: 'glyphs', model: null, scheduler: 'ddim', steps: 20, eta: 0.5, seed: 7, generator: 'nx', count: 20, backend: 'cpu', shard: null, resumed: false, samplesFile: join(outDir, 'glyphs.samples.json') });
    // Three batches of at most 8: a worker thread per core, at most one per batch.
    expect(report.workers).toBe(Math.min(3, availableParallelism()));
    // Rounded to what they measure: milliseconds, and three significant digits of a rate.
    expect(report.seconds).toBe(Math.round(report.seconds * 1000) / 1000);
    // (The rate comes from the time before its rounding: within 1% of 20 / seconds.)
    expect(report.samplesPerSecond).toBe(Number(report.samplesPerSecond.toPrecision(3)));
    expect(Math.abs(report.samplesPerSecond / (20 / report.seconds) - 1)).toBeLessThan(0.01);
    expect(report.quality.shareNearGlyph).toBe(1);
    expect(report.quality.sharePerGlyph).toHaveLength(10);
    for (const share of report.quality.sharePerGlyph) expect(Number.isInteger(Math.round(share * 20 * 1000) / 1000)).toBe(true);

    const samples = readSamples(report.samplesFile);
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
        return { report, values: readSamples(report.samplesFile).values };
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
    expect(stdout).toMatch(/^4 glyphs samples, 10 ddim steps \(eta 0, seed 0, batches of 4\) on cpu: [\d.]+ s, [\d.]+ samples\/s\nquality: 100\.0% within RMS 0\.1 of a glyph/);
    expect(existsSync(out)).toBe(true);
  });

  test('--scheduler-config: the config\'s class and schedule, --eta on top; with --scheduler, that class reads it', async () => {
    const config = ddimConfig();
    const file = configFile('ddim.json', config);
    const foreign = configFile('foreign.json', { ...config, _class_name: 'NoSuchScheduler' });
    const before = tf.memory().numTensors;
    const runs = [];
    for (const args of [['--scheduler-config', file], ['--scheduler', 'ddim', '--scheduler-config', foreign]]) {
      const out = join(outDir, `config-${runs.length}.png`);
      const run = await runCliInProcess(['sample', ...args, '--eta', '0.5', '--count', '3', '--steps', '8', '--seed', '4', '--json', '--out', out]);
      expect([run.code, run.stderr]).toEqual([0, '']);
      runs.push(JSON.parse(run.stdout));
    }
    expect(tf.memory().numTensors).toBe(before);
    const scheduler = DdimScheduler.fromDiffusersConfig(config, { eta: 0.5 });
    const expected = await samplesOneByOne(scheduler, glyphsDenoiser(scheduler), 8, [4, 5, 6], 'nx');
    for (const report of runs) {
      expect(report).toMatchObject({ scheduler: 'ddim', eta: 0.5, steps: 8 });
      expect(readSamples(report.samplesFile).values).toEqual(expected);
    }
  });
});

describe('batches (in process)', () => {
  test('--count above --batch: memory flat across batches; sample i is the batch-of-one run with seed + i', async () => {
    const scheduler = new DdimScheduler({ eta: 1 });
    const denoiser = glyphsDenoiser(scheduler);
    const before = tf.memory().numTensors;
    const afterBatches: number[] = [];
    const result = await runSampling({
      scheduler, denoiser, itemShape: GLYPH_SHAPE, steps: 8, seed: 5, count: 35, batch: 10, previewFrames: 3,
      onChunk: () => afterBatches.push(tf.memory().numTensors),
    });
    expect(afterBatches).toEqual([before, before, before, before]);
    expect(result.values).toHaveLength(35 * 256);
    expect(result.preview.map((frame) => frame.index)).toEqual([0, 4, 7]);

    // Samples 19 to 21 straddle the second and third batches.
    const expected = await samplesOneByOne(scheduler, denoiser, 8, [5 + 19, 5 + 20, 5 + 21], 'nx');
    expect(Array.from(result.values.subarray(19 * 256, 22 * 256))).toEqual(expected);
    expect(tf.memory().numTensors).toBe(before);
  });

  test("--generator torch: sample i is diffusers' run with torch.manual_seed(seed + i); other numbers than nx's", async () => {
    const scheduler = new EulerAncestralScheduler();
    const denoiser = glyphsDenoiser(scheduler);
    const result = await runSampling({ scheduler, denoiser, itemShape: GLYPH_SHAPE, steps: 6, seed: 9, generator: 'torch', count: 5, batch: 3, previewFrames: 0 });
    expect(Array.from(result.values.subarray(2 * 256))).toEqual(await samplesOneByOne(scheduler, denoiser, 6, [11, 12, 13], 'torch'));
    const nx = await runSampling({ scheduler, denoiser, itemShape: GLYPH_SHAPE, steps: 6, seed: 9, count: 5, batch: 5, previewFrames: 0 });
    expect(Array.from(nx.values)).not.toEqual(Array.from(result.values));
  });
});
