// A diffusers seed gives the same numbers here: sample(..., { generator: random.torchGenerator(s) })
// draws the start latents first and every step's noise after, as diffusers' pipelines do with
// generator=torch.manual_seed(s) (fixtures/diffusers/pipeline_generator.py); the draws of a
// run are g.randn(sample.shape) in step order; a generator continues its stream across runs.
import * as tf from '@tensorflow/tfjs-core';
import { DdimScheduler, loadScheduler, random, sample, type Scheduler } from 'tfjs-diffusion-schedulers';
import fixture from '../fixtures/diffusers/pipeline_generator.json';
import { f32 } from './helpers/fixture_arrays';
import { useBackend } from './helpers/backends';
import { referenceDenoiser } from './helpers/harness';

beforeAll(() => useBackend('cpu'));

/** The case's scheduler from its diffusers config (JSON has no -inf: the fixture writes "-Infinity"); DDIM's eta is a step argument there, an option here. */
function schedulerOf(entry: (typeof fixture.cases)[number]): Scheduler {
  const config = { _class_name: entry.class, ...Object.fromEntries(Object.entries(entry.config).map(([key, value]) => [key, value === '-Infinity' ? -Infinity : value])) };
  const eta = (entry.step_kwargs as { eta?: number }).eta;
  return eta === undefined ? loadScheduler(config) : DdimScheduler.fromDiffusersConfig(config, { eta });
}

test.each(fixture.cases.map((entry) => [entry.name, entry] as const))('%s: the start draw bit for bit, the final latents within 1e-4 of diffusers', async (_, entry) => {
  const scheduler = schedulerOf(entry);
  // The start: torch's draw of the latent shape, times the run's init_noise_sigma (diffusers'
  // prepare_latents after set_timesteps), which torch's float32 sqrt can put an ulp off ours.
  const { state, timesteps } = scheduler.init(entry.num_inference_steps, entry.shape, { seed: 0 });
  const draw = random.torchGenerator(entry.seed).randn(entry.shape);
  expect(Array.from(draw.dataSync())).toEqual(Array.from(f32(entry.start_draw)));
  expect(Math.abs(state.initNoiseSigma - entry.init_noise_sigma)).toBeLessThanOrEqual(2 ** -23 * entry.init_noise_sigma);
  tf.dispose([draw, timesteps]);
  state.dispose();
  const before = tf.memory().numTensors;
  const result = await sample(scheduler, referenceDenoiser, { numSteps: entry.num_inference_steps, shape: entry.shape, generator: random.torchGenerator(entry.seed) });
  expect(tf.memory().numTensors).toBe(before + 1);
  const expected = f32(entry.final_latents);
  const actual = result.dataSync();
  const misses = Array.from(expected).flatMap((x, i) => (Math.abs(actual[i] - x) <= 1e-4 + 1e-4 * Math.abs(x) ? [] : [`[${i}] ${actual[i]} vs ${x}`]));
  expect(misses).toEqual([]);
  result.dispose();
});

test('a step draws g.randn(sample.shape) in step order: the same as handing those draws in as opts.noise', () => {
  const shape = [2, 3];
  const scheduler = new DdimScheduler({ eta: 1 });
  const run = (generator?: ReturnType<typeof random.torchGenerator>, draws?: ReturnType<typeof random.torchGenerator>) => {
    const { state: first, timesteps } = scheduler.init(4, shape, generator ? { generator } : { seed: 0 });
    let state = first;
    let x = tf.ones(shape);
    while (state.timestep !== undefined) {
      const noise = draws?.randn(shape);
      const out = scheduler.step(state, x, tf.mul(x, 0.3), noise ? { noise } : {});
      tf.dispose([x, out.denoised, noise ?? null].filter((t): t is tf.Tensor => t !== null));
      ({ state, sample: x } = out);
    }
    state.dispose();
    timesteps.dispose();
    const values = Array.from(x.dataSync());
    x.dispose();
    return values;
  };
  expect(run(random.torchGenerator(5))).toEqual(run(undefined, random.torchGenerator(5)));
});

test('a generator continues its stream: a second run draws what follows the first, as torch does', async () => {
  const scheduler = new DdimScheduler({ eta: 1 });
  const options = { numSteps: 3, shape: [4] };
  const shared = random.torchGenerator(11);
  const first = await sample(scheduler, referenceDenoiser, { ...options, generator: shared });
  const second = await sample(scheduler, referenceDenoiser, { ...options, generator: shared });
  const fresh = await sample(scheduler, referenceDenoiser, { ...options, generator: random.torchGenerator(11) });
  expect(Array.from(first.dataSync())).toEqual(Array.from(fresh.dataSync()));
  expect(Array.from(second.dataSync())).not.toEqual(Array.from(first.dataSync()));
  // The second run starts where 1 + 3 draws of 4 values left the stream.
  const replay = random.torchGenerator(11);
  for (let i = 0; i < 4; i++) replay.randnValues(4);
  const secondStart = replay.randn([4]);
  const seen: number[][] = [];
  const again = random.torchGenerator(11);
  tf.dispose(await sample(scheduler, referenceDenoiser, { ...options, generator: again }));
  tf.dispose(
    await sample(scheduler, (x, t, info) => (info.index === 0 && seen.push(Array.from(x.dataSync())), referenceDenoiser(x, t, info)), { ...options, generator: again }),
  );
  expect(seen[0]).toEqual(Array.from(secondStart.dataSync()));
  tf.dispose([first, second, fresh, secondStart]);
});

test('seed and generator together: a clear error, nothing made', async () => {
  const scheduler = new DdimScheduler({ eta: 1 });
  const before = tf.memory().numTensors;
  expect(() => scheduler.init(3, [2], { seed: 1, generator: random.torchGenerator(1) })).toThrow(/init takes one of seed, key and generator, got seed and generator/);
  await expect(sample(scheduler, referenceDenoiser, { numSteps: 3, shape: [2], seed: 1, generator: random.torchGenerator(1) })).rejects.toThrow(
    /sample\(\) takes a seed \(Nx\/JAX stream\) or a generator \(torch stream\), not both/,
  );
  await expect(sample(scheduler, referenceDenoiser, { numSteps: 3, shape: [2], generator: { randn: 1 } as never })).rejects.toThrow(/generator must be a generator from random.torchGenerator\(seed\), got an object/);
  expect(tf.memory().numTensors).toBe(before);
});
