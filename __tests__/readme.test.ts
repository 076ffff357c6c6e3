// Every TypeScript block of the README compiles and runs as written: each block is a file that
// tsc type-checks under --strict, once with module node16 and once with bundler resolution (the
// package resolves to its built dist/ through the exports map, as in an app), and each block runs
// in Node (tsx) unless it starts with `// browser`. A block that loads a model runs with a
// stand-in (tf.loadGraphModel answers a model predicting zeros). Where a line prints with
// console.log and a comment shows the output, the output is checked.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './helpers/cli_runs';

const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const built = existsSync(join(ROOT, 'dist', 'index.d.mts'));

/** The README's ```ts blocks, in order. */
const blocks = Array.from(readFileSync(join(ROOT, 'README.md'), 'utf8').matchAll(/^```ts\n([\s\S]*?)^```$/gm), (match) => match[1]);

mkdirSync(join(ROOT, 'out'), { recursive: true });
const folder = mkdtempSync(join(ROOT, 'out', 'readme-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
const files = blocks.map((code, i) => {
  const file = join(folder, `block_${i}.mts`);
  writeFileSync(file, code);
  return file;
});

/** tfjs with a stand-in for loading a model: a GraphModel whose every output is zeros of its `sample` input. */
const STAND_IN = `export * from '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs';
export async function loadGraphModel(_url: string) {
  const predict = (inputs: Record<string, tf.Tensor>) => tf.zerosLike(inputs.sample);
  return { execute: predict, executeAsync: async (inputs: Record<string, tf.Tensor>) => predict(inputs), dispose: () => undefined };
}
`;

function run(command: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 24 }, (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }));
  });
}

/** The outputs the block's comments announce: `console.log(...); // output`, whitespace left out. */
function announcedOutputs(code: string): string[] {
  return Array.from(code.matchAll(/^console\.log\(.*\);\s*\/\/ (.+)$/gm), (match) => match[1].replace(/\s/g, ''));
}

test('the README has TypeScript blocks: sample(), the loop by hand, diffusers configs, the torch generator', () => {
  expect(blocks.length).toBeGreaterThanOrEqual(4);
  expect(blocks.some((code) => code.includes('classifierFreeGuidance('))).toBe(true);
  expect(blocks.some((code) => code.includes('scheduler.step('))).toBe(true);
});

(built ? describe : describe.skip)('every block type-checks under --strict', () => {
  const modes = {
    node16: { module: 'node16', moduleResolution: 'node16' },
    bundler: { module: 'esnext', moduleResolution: 'bundler' },
  };
  test.each(Object.entries(modes))('module %s', async (mode, resolution) => {
    const config = join(folder, `tsconfig.${mode}.json`);
    const compilerOptions = { ...resolution, strict: true, target: 'es2022', lib: ['es2022'], types: ['node'], noEmit: true, skipLibCheck: true, typeRoots: [join(ROOT, 'node_modules', '@types')] };
    writeFileSync(config, JSON.stringify({ compilerOptions, files }));
    const { code, stdout } = await run(process.execPath, [TSC, '-p', config]);
    expect(stdout).toBe('');
    expect(code).toBe(0);
  }, 120_000);
});

(built ? describe : describe.skip)('every Node block runs', () => {
  test.each(blocks.map((code, i) => [i, code] as const).filter(([, code]) => !code.startsWith('// browser')))('block %i', async (i, code) => {
    let file = files[i];
    if (/load(Graph|Layers)Model\(/.test(code)) {
      writeFileSync(join(folder, 'tfjs_stand_in.mts'), STAND_IN);
      file = join(folder, `block_${i}_stand_in.mts`);
      writeFileSync(file, code.replace(/from '@tensorflow\/tfjs';/, "from './tfjs_stand_in.mjs';"));
    }
    const { code: exitCode, stdout, stderr } = await run(TSX, [file]);
    expect([exitCode, stderr.replace(/^.*(Hi there|tfjs-node|dramatically).*\n/gm, '')]).toEqual([0, expect.not.stringMatching(/Error/)]);
    const printed = stdout.split('\n').filter((line) => line !== '').map((line) => line.replace(/\s/g, ''));
    expect(printed).toEqual(announcedOutputs(code));
  }, 120_000);
});
