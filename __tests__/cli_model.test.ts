// `tfjs-diffusion sample --model`: a tfjs GraphModel (the ring MLP, fixtures/models/ring_mlp) and a
// LayersModel (an exact Gaussian denoiser around an 8x8 image, fixtures/models/gaussian_image),
// read from disk with tfjs-core's IO (no tfjs-node); models that do not fit; and a model whose
// run diverges, which fails naming the step and writes nothing.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { DdimScheduler, sample } from 'tfjs-diffusion-schedulers';
import { ringMlpDenoiser, ringMlpFromJson } from '../examples/node/ring_mlp';
import { DATA_STD, IMAGE_SHAPE, meanImage } from '../fixtures/models/make_gaussian_layers_model';
import { loadModelDenoiser } from '../src/cli/model_denoiser';
import { readModelFile } from '../src/cli/model_file';
import { useBackend } from './helpers/backends';
import { colourCount, decodePng, readSamples, ROOT, runCliInProcess, spawnCli, stderrLines } from './helpers/cli_runs';

const RING_MLP = join(ROOT, 'fixtures', 'models', 'ring_mlp', 'model.json');
const GAUSSIAN_IMAGE = join(ROOT, 'fixtures', 'models', 'gaussian_image', 'model.json');
const outDir = mkdtempSync(join(tmpdir(), 'tfjs-diffusion-model-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));
beforeAll(() => useBackend('cpu'));

/** Saves a tfjs-layers model as model.json + weights.bin in `folder` (what the fixtures' script writes), then disposes it. */
async function saveLayersModel(model: tfl.LayersModel, folder: string): Promise<string> {
  const file = join(folder, 'model.json');
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, 'weights.bin'), Buffer.from(artifacts.weightData as ArrayBuffer));
      writeFileSync(file, JSON.stringify({ modelTopology: artifacts.modelTopology, format: artifacts.format, weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }] }));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  model.dispose();
  return file;
}

describe('the GraphModel fixture is the ring MLP', () => {
  test('it predicts what examples/node/ring_mlp.ts predicts from fixtures/ring_mlp.json, bit for bit, and leaks nothing', async () => {
    const scheduler = new DdimScheduler({ clipDenoisedSample: false });
    const layers = ringMlpFromJson(JSON.parse(readFileSync(join(ROOT, 'fixtures', 'ring_mlp.json'), 'utf8')));
    const reference = ringMlpDenoiser(layers, scheduler);
    const before = tf.memory().numTensors;
    const graph = await loadModelDenoiser(readModelFile(RING_MLP));
    expect([graph.format, graph.sampleInput, graph.timestepInput, graph.itemShape]).toEqual(['graph-model', 'sample', 'timestep', [2]]);
    for (const timestep of [0, 1, 333, 999]) {
      const x = tf.randomNormal([50, 2], 0, 2, 'float32', timestep);
      const t = tf.scalar(timestep, 'int32');
      const [expected, actual] = await Promise.all([reference(x, t, { index: 0, timestep }), graph.denoiser(x, t, { index: 0, timestep })]);
      expect(Array.from(actual.dataSync())).toEqual(Array.from(expected.dataSync()));
      tf.dispose([x, t, expected, actual]);
    }
    graph.dispose();
    expect(tf.memory().numTensors).toBe(before);
    layers.dispose();
  });
});

describe('--model runs', () => {
  test.concurrent('GraphModel on the ring: its quality figures and scatter plot, as the MLP samples in process', async () => {
    const out = join(outDir, 'ring.png');
    const { code, stdout, stderr } = await spawnCli(['sample', '--model', RING_MLP, '--dataset', 'ring', '--count', '1000', '--json', '--out', out]);
    expect([code, stderr]).toEqual([0, '']);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ dataset: 'ring', model: RING_MLP, scheduler: 'ddim', steps: 50, count: 1000 });
    // fixtures/ring_mlp.json puts 88% of 4000 DDIM samples within 0.2 of a mean (examples/node/train_ring_mlp.ts).
    expect(report.quality.shareNearMean).toBeGreaterThanOrEqual(0.8);
    expect([decodePng(out).width, decodePng(out).height]).toEqual([512, 512]);
  });

  test.concurrent('LayersModel: its declared shape, a grid of its images, every sample near the mean image', async () => {
    const out = join(outDir, 'gaussian.png');
    const { code, stdout, stderr } = await spawnCli(['sample', '--model', GAUSSIAN_IMAGE, '--generator', 'torch', '--steps', '30', '--json', '--out', out]);
    expect([code, stderr]).toEqual([0, '']);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ dataset: null, model: GAUSSIAN_IMAGE, quality: null, count: 16, steps: 30, generator: 'torch' });
    const { shape, values } = readSamples(report.samplesFile);
    expect(shape).toEqual([16, ...IMAGE_SHAPE]);
    const mean = meanImage();
    const distances = Array.from({ length: 16 }, (_, i) => Math.sqrt(mean.reduce((sum, m, p) => sum + (values[i * mean.length + p] - m) ** 2, 0) / mean.length));
    // Samples of N(m, s^2): near m, not all at m (measured: RMS 0.029 to 0.036 for s = 0.05).
    expect(Math.max(...distances)).toBeLessThan(DATA_STD);
    expect(Math.min(...distances)).toBeGreaterThan(DATA_STD / 5);
    // 8x8 images drawn 6x (48 px cells, 4 px gaps): a 4 x 4 grid under the 10-frame strip.
    const png = decodePng(out);
    expect([png.width, png.height]).toEqual([16 + 10 * 52 - 4, 16 + 2 * 52 - 4 + 16 + 4 * 52 - 4]);
    expect(colourCount(png)).toBeGreaterThan(50);
  });

  test('LayersModel with --shape, in process: no tensor left', async () => {
    const before = tf.memory().numTensors;
    const run = await runCliInProcess(['sample', '--model', GAUSSIAN_IMAGE, '--shape', '8,8,3', '--count', '2', '--steps', '5', '--json', '--out', join(outDir, 'shape.png')]);
    expect([run.code, run.stderr]).toEqual([0, '']);
    expect(JSON.parse(run.stdout)).toMatchObject({ count: 2, steps: 5 });
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('models that do not fit: exit code 2, one line', () => {
  const cases: [string, () => Promise<string[]>, RegExp][] = [
    ['a shape the model does not take', async () => ['--model', GAUSSIAN_IMAGE, '--shape', '16,16,3'], /--model .*gaussian_image\/model\.json: samples of shape \[16, 16, 3\] do not fit its sample input 'sample(_\d+)?' \(\[-1, 8, 8, 3\], float32\)$/],
    ['a data set the model does not take', async () => ['--model', GAUSSIAN_IMAGE, '--dataset', 'glyphs'], /samples of shape \[16, 16, 1\] do not fit its sample input 'sample(_\d+)?'/],
    ['samples that are no image', async () => ['--model', RING_MLP], /--model .*ring_mlp\/model\.json: its samples of shape \[2\] cannot be drawn: a model's samples are drawn as images, H,W,C with C 1, 3 or 4; give --dataset/],
    ['a JSON file that is no model', async () => {
      const file = join(outDir, 'not-a-model.json');
      writeFileSync(file, '{"modelTopology": {"whatever": 1}}');
      return ['--model', file];
    }, /--model .*not-a-model\.json is neither a tfjs LayersModel nor a GraphModel model\.json/],
    ['a missing weights file', async () => {
      const folder = join(outDir, 'no-weights');
      const file = await saveLayersModel(tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [2], units: 2 })] }), folder);
      rmSync(join(folder, 'weights.bin'));
      return ['--model', file, '--dataset', 'ring'];
    }, /--model .*no-weights\/model\.json: its weight file weights\.bin cannot be read: ENOENT/],
    ['one input', async () => {
      const file = await saveLayersModel(tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [2], units: 2 })] }), join(outDir, 'one-input'));
      return ['--model', file, '--dataset', 'ring'];
    }, /the model must take two inputs, the sample and the timestep; it takes 1: '.*' \(\[-1, 2\], float32\)$/],
  ];
  test.each(cases)('%s', async (_label, args, message) => {
    const before = tf.memory().numTensors;
    const run = await runCliInProcess(['sample', ...(await args()), '--out', join(outDir, 'unfit.png')]);
    expect(run.stdout).toBe('');
    expect(stderrLines(run)).toEqual([expect.stringMatching(message)]);
    expect(run.code).toBe(2);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('a run that diverges', () => {
  test('exit code 1, one line naming the first step with non-finite values; nothing written, nothing leaked', async () => {
    // eps = 1e38 (x, t) overflows float32: x_{t-1} = sqrt(a') x0 + sqrt(1 - a') eps is not finite after the first step.
    const sampleInput = tfl.input({ shape: [4, 4, 1], name: 'sample' });
    const timestepInput = tfl.input({ shape: [1], name: 'timestep' });
    const features = tfl.layers.concatenate().apply([tfl.layers.flatten().apply(sampleInput) as tfl.SymbolicTensor, timestepInput]) as tfl.SymbolicTensor;
    const huge = tfl.layers.dense({ units: 16, useBias: false, kernelInitializer: tfl.initializers.constant({ value: 1e38 }) }).apply(features) as tfl.SymbolicTensor;
    const output = tfl.layers.reshape({ targetShape: [4, 4, 1] }).apply(huge) as tfl.SymbolicTensor;
    const file = await saveLayersModel(tfl.model({ inputs: [sampleInput, timestepInput], outputs: output }), join(outDir, 'diverging'));
    const out = join(outDir, 'diverged.png');
    const before = tf.memory().numTensors;
    const run = await runCliInProcess(['sample', '--model', file, '--steps', '10', '--count', '3', '--out', out]);
    expect(run.stdout).toBe('');
    expect(stderrLines(run)).toEqual(['tfjs-diffusion: error: the sampling diverged: step 0 of 10 (timestep 900) made NaN or infinite values in samples 0 to 2; nothing was written']);
    expect(run.code).toBe(1);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(out.replace('.png', '.samples.json'))).toBe(false);
    expect(tf.memory().numTensors).toBe(before);
  });

  test("sample() itself returns what diverges (the check is the command line's)", async () => {
    const scheduler = new DdimScheduler({ clipDenoisedSample: false });
    const result = await sample(scheduler, (x) => tf.fill(x.shape, Infinity), { numSteps: 2, shape: [1, 2], seed: 0 });
    expect(Array.from(result.dataSync()).some((value) => !Number.isFinite(value))).toBe(true);
    result.dispose();
  });
});
