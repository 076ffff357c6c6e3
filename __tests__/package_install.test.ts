// The packed package as a new user gets it: `npm pack`, then a fresh app with only the package and
// @tensorflow/tfjs (`npm i tfjs-diffusion-schedulers @tensorflow/tfjs`), where `npx tfjs-diffusion`
// must answer --help, sample on cpu, run a GraphModel and a LayersModel from disk, and name the
// optional package a flag needs (wasm is not installed there). Needs the npm registry and dist/.
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './helpers/cli_runs';

const built = existsSync(join(ROOT, 'dist', 'cli.js'));
const tfjsVersion: string = JSON.parse(readFileSync(join(ROOT, 'node_modules', '@tensorflow', 'tfjs-core', 'package.json'), 'utf8')).version;
const app = mkdtempSync(join(tmpdir(), 'tfjs-diffusion-app-'));
afterAll(() => rmSync(app, { recursive: true, force: true }));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npx --no-install BIN ...args` in the app. */
function npx(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile('npx', ['--no-install', ...args], { cwd: app, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

(built ? describe : describe.skip)('the packed tarball in an app with only @tensorflow/tfjs', () => {
  beforeAll(() => {
    const tarball = execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', app], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n').pop()!;
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', `./${tarball}`, `@tensorflow/tfjs@${tfjsVersion}`], { cwd: app, stdio: 'pipe' });
    for (const model of ['ring_mlp', 'gaussian_image']) cpSync(join(ROOT, 'fixtures', 'models', model), join(app, model), { recursive: true });
  }, 300_000);

  test('what the app has: the package with its LICENSE, tfjs, and no wasm backend', () => {
    const installed = join(app, 'node_modules', 'tfjs-diffusion-schedulers');
    expect(readFileSync(join(installed, 'LICENSE'), 'utf8')).toMatch(/Apache License\s+Version 2\.0/);
    expect(existsSync(join(app, 'node_modules', '@tensorflow', 'tfjs'))).toBe(true);
    expect(existsSync(join(app, 'node_modules', '@tensorflow', 'tfjs-backend-wasm'))).toBe(false);
  });

  test('npx tfjs-diffusion --help, and tfjs-ddim, the same program', async () => {
    for (const bin of ['tfjs-diffusion', 'tfjs-ddim']) {
      const { code, stdout, stderr } = await npx([bin, '--help']);
      expect([bin, code, stderr]).toEqual([bin, 0, '']);
      expect(stdout).toMatch(/Usage: tfjs-diffusion \[options\] \[command\][\s\S]*sample \[options\][\s\S]*schedulers/);
    }
  });

  test('npx tfjs-diffusion sample on cpu: the default scheduler on glyphs', async () => {
    const { code, stdout, stderr } = await npx(['tfjs-diffusion', 'sample', '--count', '4', '--steps', '10', '--json']);
    expect([code, stderr]).toEqual([0, '']);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ dataset: 'glyphs', scheduler: 'ddim', backend: 'cpu', count: 4, quality: { shareNearGlyph: 1 }, samplesFile: join(app, 'out', 'glyphs.samples.json') });
    expect(existsSync(join(app, 'out', 'glyphs.png'))).toBe(true);
  });

  test('--model: a GraphModel and a LayersModel from disk, with the tfjs-converter and tfjs-layers that @tensorflow/tfjs brings', async () => {
    const graph = await npx(['tfjs-diffusion', 'sample', '--model', 'ring_mlp/model.json', '--dataset', 'ring', '--count', '200', '--json']);
    expect([graph.code, graph.stderr]).toEqual([0, '']);
    expect(JSON.parse(graph.stdout).quality.shareNearMean).toBeGreaterThanOrEqual(0.75);
    const layers = await npx(['tfjs-diffusion', 'sample', '--model', 'gaussian_image/model.json', '--count', '4', '--steps', '10', '--json']);
    expect([layers.code, layers.stderr]).toEqual([0, '']);
    expect(JSON.parse(layers.stdout)).toMatchObject({ model: join(app, 'gaussian_image', 'model.json'), count: 4 });
  });

  test('--backend wasm without its package: exit code 1, one line naming it', async () => {
    const { code, stdout, stderr } = await npx(['tfjs-diffusion', 'sample', '--backend', 'wasm']);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n')).toEqual([
      'tfjs-diffusion: error: --backend wasm needs @tensorflow/tfjs-backend-wasm, which is not installed: run `npm i @tensorflow/tfjs-backend-wasm`',
    ]);
    expect(code).toBe(1);
  });
});
