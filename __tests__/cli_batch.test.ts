// `tfjs-diffusion sample --workers N / --shard I/N` and `tfjs-diffusion merge`: every sample the
// same whichever batch, thread or shard makes it (per-sample seeds), the files of one run byte
// for byte; and what a failure leaves: a killed worker, a full disk, a killed shard (resumed),
// bad shard specs and shards that do not belong together, each with its exit code and one line.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { DdimScheduler, EulerAncestralScheduler, glyphsDenoiser } from 'tfjs-diffusion-schedulers';
import { useBackend } from './helpers/backends';
import { ROOT, runCliInProcess, samplesOneByOne, spawnCli, stderrLines, type CliRun } from './helpers/cli_runs';

const outDir = mkdtempSync(join(tmpdir(), 'tfjs-diffusion-batch-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));
beforeAll(() => useBackend('cpu'));

const built = existsSync(join(ROOT, 'dist', 'cli.js'));

/** A small run of 7 samples in batches of 2: four batches, a shard of 3 has two batches or one. */
const RUN = ['--count', '7', '--batch', '2', '--steps', '6', '--seed', '11'];

/** A fresh folder under the temp folder. */
function folder(name: string): string {
  const path = join(outDir, name);
  mkdirSync(path, { recursive: true });
  return path;
}

/** A run in this process that must succeed; its --json report. */
async function succeed(args: string[]): Promise<Record<string, unknown> & { samplesFile: string }> {
  const run = await runCliInProcess([...args, '--json']);
  expect([run.code, run.stderr]).toEqual([0, '']);
  return JSON.parse(run.stdout);
}

function expectOneLine(run: CliRun, code: number, message: RegExp): void {
  expect(stderrLines(run)).toEqual([expect.stringMatching(message)]);
  expect(run.code).toBe(code);
}

/**
 * A module for NODE_OPTIONS=--require, run in every thread: in a worker thread it does `action`
 * when batch 1 arrives (worker_protocol.ts's message), in the middle of the run.
 */
function onBatchOne(name: string, action: string): string {
  const file = join(outDir, `${name}.cjs`);
  writeFileSync(file, `const { isMainThread, parentPort } = require('node:worker_threads');
if (!isMainThread && parentPort) parentPort.on('message', (message) => { if (message && message.type === 'batch' && message.batch.index === 1) { ${action} } });\n`);
  return `--require ${file}`;
}

const schedulers: Array<[string, string[], () => DdimScheduler | EulerAncestralScheduler]> = [
  ['ddim', ['--eta', '0.5'], () => new DdimScheduler({ eta: 0.5 })],
  ['euler-ancestral', [], () => new EulerAncestralScheduler()],
];

describe.each(schedulers.flatMap(([name, flags, make]) => (['nx', 'torch'] as const).map((generator) => [name, generator, flags, make] as const)))(
  '%s, %s generator',
  (name, generator, flags, make) => {
    test('--workers 1, --workers 2 and the merge of --shard 0/3, 1/3, 2/3 write the same samples file and PNG; sample i is the batch-of-one run with seed + i', async () => {
      const dir = folder(`${name}-${generator}`);
      const args = ['sample', '--scheduler', name, ...flags, '--generator', generator, ...RUN];
      const before = tf.memory().numTensors;
      const one = await succeed([...args, '--workers', '1', '--out', join(dir, 'one.png')]);
      const two = await succeed([...args, '--workers', '2', '--out', join(dir, 'two.png')]);
      expect([one.workers, two.workers]).toEqual([1, 2]);
      const shardFiles: string[] = [];
      for (const index of [2, 0, 1]) {
        const shard = await succeed([...args, '--shard', `${index}/3`, '--out', join(dir, 'sharded.png')]);
        expect(shard).toMatchObject({ shard: `${index}/3`, resumed: false, samplesFile: join(dir, `sharded.shard-${index}-of-3.samples.json`) });
        shardFiles.push(shard.samplesFile);
      }
      expect(existsSync(join(dir, 'sharded.png'))).toBe(false); // a shard writes its samples file alone
      const merged = await succeed(['merge', ...shardFiles]);
      expect(merged).toMatchObject({ scheduler: name, generator, count: 7, shards: 3, samplesFile: join(dir, 'sharded.samples.json') });
      expect(tf.memory().numTensors).toBe(before);

      const bytes = (file: string) => readFileSync(join(dir, file));
      for (const file of ['two.samples.json', 'sharded.samples.json']) expect([file, bytes(file).equals(bytes('one.samples.json'))]).toEqual([file, true]);
      for (const file of ['two.png', 'sharded.png']) expect([file, bytes(file).equals(bytes('one.png'))]).toEqual([file, true]);

      const scheduler = make();
      const expected = await samplesOneByOne(scheduler, glyphsDenoiser(scheduler), 6, [11, 12, 13, 14, 15, 16, 17], generator);
      expect(JSON.parse(bytes('one.samples.json').toString()).values).toEqual(expected);
    });
  },
);

describe('as users run it', () => {
  test.concurrent('worker threads under tsx (npm start) and from dist/cli.js alike; --workers without --batch makes a batch per worker', async () => {
    const dir = folder('spawned');
    const args = ['sample', '--scheduler', 'euler-ancestral', '--count', '7', '--steps', '6', '--seed', '11', '--workers', '2'];
    const modes = built ? [false, true] : [false];
    const runs = await Promise.all(modes.map((isBuilt) => spawnCli([...args, '--out', join(dir, `${isBuilt ? 'dist' : 'tsx'}.png`)], { built: isBuilt })));
    for (const run of runs) {
      expect([run.code, run.stderr]).toEqual([0, '']);
      expect(run.stdout).toMatch(/^7 glyphs samples, 6 euler-ancestral steps \(seed 11, batches of 4\) on cpu, 2 workers: /);
    }
    const reference = await succeed(['sample', '--scheduler', 'euler-ancestral', ...RUN, '--workers', '1', '--out', join(dir, 'in-process.png')]);
    for (const mode of modes.map((isBuilt) => (isBuilt ? 'dist' : 'tsx'))) {
      expect([mode, readFileSync(join(dir, `${mode}.samples.json`)).equals(readFileSync(reference.samplesFile))]).toEqual([mode, true]);
    }
  });
});

describe('failures: an exit code, one line, and no output that looks complete', () => {
  /** The files in a folder, dot files (temporary files) included. */
  const filesIn = (dir: string) => readdirSync(dir);

  test.concurrent('a worker killed mid-run: exit code 1, one line naming it and its batch, nothing written', async () => {
    const dir = folder('killed-worker');
    const run = await spawnCli(['sample', ...RUN, '--workers', '2', '--out', join(dir, 'x.png')], { env: { NODE_OPTIONS: onBatchOne('exit', 'process.exit(7);') } });
    expectOneLine(run, 1, /^tfjs-diffusion: error: worker [12] of 2 stopped \(exit code 7\) on samples 2 to 3$/);
    expect(filesIn(dir)).toEqual([]);
  });

  test.concurrent('a worker that throws: exit code 1, one line with its error', async () => {
    const dir = folder('throwing-worker');
    const run = await spawnCli(['sample', ...RUN, '--workers', '2', '--out', join(dir, 'x.png')], { env: { NODE_OPTIONS: onBatchOne('throw', "throw new Error('out of luck');") } });
    expectOneLine(run, 1, /^tfjs-diffusion: error: worker [12] of 2 failed on samples 2 to 3: out of luck$/);
    expect(filesIn(dir)).toEqual([]);
  });

  // A file size limit (ulimit -f) fails a write midway with EFBIG, as a full disk does with
  // ENOSPC: unprivileged, no small file system needed. The samples file (over 60 KB) passes the
  // limit. (Shards and merge write through the same staged files.)
  test.concurrent('a full disk: exit code 1, one line naming the file, no file left (the temporary one removed)', async () => {
    const dir = folder('full-disk');
    const run = await spawnCli(['sample', '--count', '200', '--steps', '3', '--workers', '2', '--out', join(dir, 'x.png')], { fileSizeLimitKb: 16 });
    expectOneLine(run, 1, /^tfjs-diffusion: error: cannot write .*x\.samples\.json: EFBIG: file too large, write; nothing was written$/);
    expect(filesIn(dir)).toEqual([]);
  });

  test.concurrent('a shard killed mid-run leaves no shard file; its rerun samples it, the next rerun finds it complete and keeps it', async () => {
    const dir = folder('killed-shard');
    const args = ['sample', ...RUN, '--workers', '2', '--shard', '0/2', '--out', join(dir, 'x.png')];
    const killed = await spawnCli(args, { env: { NODE_OPTIONS: onBatchOne('kill', "process.kill(process.pid, 'SIGKILL');") } });
    expect(killed.code).toBe(137);
    expect(filesIn(dir)).toEqual([]);
    expect(await succeed(args)).toMatchObject({ shard: '0/2', resumed: false });
    const file = join(dir, 'x.shard-0-of-2.samples.json');
    const written = statSync(file).mtimeMs;
    const again = await runCliInProcess(args);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^4 of 7 glyphs samples \(shard 0\/2\), .*: complete already, not sampled again\n/);
    expect(statSync(file).mtimeMs).toBe(written);
  });

  test.each([
    ['3/3', /The shard index I must be below N: 0 to 2 for 3 shards\.$/],
    ['a/b', /It must be I\/N, the shard index I and the number of shards N, integers with 0 <= I < N \(e\.g\. 0\/4\)\.$/],
    ['0/0', /The number of shards N must be an integer in \[1, 1000000\]\.$/],
  ])('--shard %s: exit code 2, one line, nothing written', async (spec, message) => {
    const dir = folder(`bad-shard-${spec.replace('/', '-')}`);
    const run = await runCliInProcess(['sample', '--shard', spec, '--out', join(dir, 'x.png')]);
    expectOneLine(run, 2, new RegExp(`^tfjs-diffusion: error: option '--shard <I/N>' argument '${spec}' is invalid\\. ${message.source}`));
    expect(filesIn(dir)).toEqual([]);
  });
});

describe('shards: resumed, and merged only when they belong together', () => {
  const shardsOf = async (dir: string, args: string[], count: number) => {
    const files: string[] = [];
    for (let index = 0; index < count; index++) files.push((await succeed(['sample', ...args, '--shard', `${index}/${count}`, '--out', join(dir, 'x.png')])).samplesFile);
    return files;
  };

  test('a rerun keeps a complete shard; a shard file of another run is sampled again and replaced', async () => {
    const dir = folder('resume');
    const [file] = await shardsOf(dir, RUN, 1);
    const before = readFileSync(file);
    expect(await succeed(['sample', ...RUN, '--shard', '0/1', '--out', join(dir, 'x.png')])).toMatchObject({ resumed: true, count: 7 });
    expect(readFileSync(file).equals(before)).toBe(true);
    const other = await succeed(['sample', ...RUN, '--seed', '12', '--shard', '0/1', '--out', join(dir, 'x.png')]);
    expect(other).toMatchObject({ resumed: false, seed: 12 });
    expect(readFileSync(file).equals(before)).toBe(false);
  });

  test('merge refuses what does not make one run, one line each, exit code 2, nothing written', async () => {
    const dir = folder('refused');
    const [first, second, third] = await shardsOf(folder('refused-run'), RUN, 3);
    const [, otherSeed] = await shardsOf(folder('refused-seed'), [...RUN.slice(0, -1), '12'], 3);
    const [, otherSplit] = await shardsOf(folder('refused-split'), RUN, 2);
    const whole = (await succeed(['sample', ...RUN, '--out', join(dir, 'whole.png')])).samplesFile;
    const cut = join(dir, 'cut.shard-2-of-3.samples.json');
    writeFileSync(cut, readFileSync(third, 'utf8').slice(0, -20));
    const out = ['--out', join(dir, 'merged.png')];
    const cases: Array<[string[], RegExp]> = [
      [[first, otherSeed, third], /.*-seed\/x\.shard-1-of-3\.samples\.json is a shard of another run than .*-run\/x\.shard-0-of-3\.samples\.json: its seed is 12, not 11; merge the shards of one run$/],
      [[first, otherSplit, third], /.*-split\/x\.shard-1-of-2\.samples\.json is shard 1\/2, one of 2; .*-run\/x\.shard-0-of-3\.samples\.json is one of 3: merge the shards of one split$/],
      [[first, third], /shard missing: 1\/3; merge needs all 3 shards of the run$/],
      [[first, second, second, third], /shard 1\/3 is given twice: .*x\.shard-1-of-3\.samples\.json and .*x\.shard-1-of-3\.samples\.json$/],
      [[first, second, whole], /.*whole\.samples\.json is no shard's output \(written by tfjs-diffusion sample --shard I\/N\): it lacks the run's description$/],
      [[first, second, cut], /.*cut\.shard-2-of-3\.samples\.json is not a complete samples file \(it ends after \d+ values\)$/],
      [[first, second, join(dir, 'none.json')], /.*none\.json cannot be read: ENOENT/],
    ];
    for (const [files, message] of cases) expectOneLine(await runCliInProcess(['merge', ...files, ...out]), 2, new RegExp(`^tfjs-diffusion: error: ${message.source}`));
    expect(readdirSync(dir).sort()).toEqual(['cut.shard-2-of-3.samples.json', 'whole.png', 'whole.samples.json']);
  });
});
