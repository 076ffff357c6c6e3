// The built package as users load it: require() and import through the exports map, with types.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const built = existsSync(join(root, 'dist', 'index.js'));
const publicNames = ['DdimScheduler', 'DdimState', 'PndmScheduler', 'LcmScheduler', 'TcdScheduler', 'random'];

function runNode(args: string[]): string {
  return execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
}

test('dist/ is built (npm ci runs the build as `prepare`; otherwise run `npm run build`)', () => {
  expect(built).toBe(true);
});

test('tfjs-core is a peer dependency (>=4.22 <5), not a dependency', () => {
  expect(manifest.peerDependencies['@tensorflow/tfjs-core']).toBe('>=4.22.0 <5');
  expect(manifest.dependencies?.['@tensorflow/tfjs-core']).toBeUndefined();
});

(built ? test : test.skip)('require() resolves the package by name and finds every public name', () => {
  const out = runNode(['-e', `const m = require('tfjs-diffusion-schedulers'); console.log(JSON.stringify(Object.keys(m)))`]);
  expect(JSON.parse(out)).toEqual(expect.arrayContaining(publicNames));
});

(built ? test : test.skip)('import resolves the ESM build and a DDIM step runs from it', () => {
  const script = `
    import * as tf from '@tensorflow/tfjs-core';
    import '@tensorflow/tfjs-backend-cpu';
    import { DdimScheduler } from 'tfjs-diffusion-schedulers';
    tf.env().set('IS_TEST', true);
    await tf.setBackend('cpu');
    const s = new DdimScheduler();
    const { state, timesteps } = s.init(10, [2]);
    const x = tf.ones([2]);
    const out = s.step(state, x, tf.zerosLike(x));
    console.log(JSON.stringify({ timesteps: Array.from(timesteps.dataSync()), shape: out.sample.shape }));`;
  const out = JSON.parse(runNode(['--input-type=module', '-e', script]));
  expect(out.timesteps).toEqual([900, 800, 700, 600, 500, 400, 300, 200, 100, 0]);
  expect(out.shape).toEqual([2]);
});

(built ? test : test.skip)('the exports map points at files that exist, types included', () => {
  const targets = [manifest.exports['.'].import, manifest.exports['.'].require].flatMap((entry) => [entry.types, entry.default]);
  for (const target of targets) expect(existsSync(join(root, target))).toBe(true);
});
