// sample() with FlowMatchEulerScheduler: the image-to-image start through the protocol
// (addNoise is scale_noise) against diffusers' with_noise case, and the exact denoisers of the
// command line's data sets meeting DDIM's quality bars (denoisers.test.ts).
import * as tf from '@tensorflow/tfjs-core';
import { FlowMatchEulerScheduler, GLYPH_SIZE, glyphsDenoiser, ringDenoiser, sample, type FlowMatchEulerOptions, type TorchGenerator } from 'tfjs-diffusion-schedulers';
import flowMatchEuler from '../fixtures/diffusers/flow_match_euler.json';
import { NODE_BACKENDS, useBackend } from './helpers/backends';
import { f32, type DiffusersFixture } from './helpers/fixture_arrays';
import { deterministicNoise, deterministicSample, referenceDenoiser } from './helpers/harness';
import { expectOnGlyphs, expectRingQuality } from './helpers/quality_bars';
import { flowCaseRun } from './parity/cases/flow_match_euler';

const fixture = flowMatchEuler as unknown as DiffusersFixture;

describe.each(NODE_BACKENDS)('on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  test("with_noise_shift_3: sample()'s image start (strength 0.5: steps 5 to 9 from scale_noise at the 6th timestep) is diffusers', bit for bit", async () => {
    const recorded = fixture.cases.find((c) => c.name === 'with_noise_shift_3')!;
    const { scheduler: spec, numSteps } = flowCaseRun(recorded);
    const scheduler = FlowMatchEulerScheduler.fromDiffusersConfig(spec.diffusersConfig!);
    // The harness's noise is dummy_noise_deter: a generator whose one draw (the start noise) is it.
    const generator = { seed: 0, randn: (shape: number[]) => deterministicNoise(shape), randnValues: () => { throw new Error('no step draws'); } } as unknown as TorchGenerator;
    const image = deterministicSample(recorded.shape);
    const seen: number[] = [];
    const before = tf.memory().numTensors;
    const result = await sample(scheduler, referenceDenoiser, { numSteps, image, strength: 0.5, generator, onStep: ({ timestep }) => seen.push(timestep) });
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(recorded.t_start).toBe(5);
    expect(seen).toEqual(recorded.timesteps.slice(5));
    expect(Array.from(result.dataSync())).toEqual(Array.from(f32(recorded.final_sample)));
    tf.dispose([result, image]);
  });

  test.each<[string, FlowMatchEulerOptions, number]>([
    ['shift 1, 50 steps', {}, 50],
    ['shift 3, 50 steps', { shift: 3 }, 50],
    ["SD3's shift 3, 28 steps", { shift: 3 }, 28],
    ['shift 3, stochastic, 50 steps', { shift: 3, stochasticSampling: true }, 50],
  ])('ring, %s, 4000 samples: >= 98%% within 0.2 of a mean, each mean 0.75 to 1.25 of its fair share', async (_, options, numSteps) => {
    const scheduler = new FlowMatchEulerScheduler(options);
    const before = tf.memory().numTensors;
    const result = await sample(scheduler, ringDenoiser(scheduler), { numSteps, shape: [4000, 2], seed: 0 });
    const values = await result.data();
    result.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expectRingQuality(values, 0.98, [0.75, 1.25]);
  });

  test.each<[string, FlowMatchEulerOptions, number]>([
    ['shift 3, 50 steps', { shift: 3 }, 50],
    ["Z-Image-Turbo's shift 3, 9 steps", { shift: 3 }, 9],
    ['shift 3, stochastic, 28 steps', { shift: 3, stochasticSampling: true }, 28],
    ['Flux-style dynamic shifting, 28 steps', { useDynamicShifting: true }, 28],
  ])('glyphs, %s: every sample ends on a glyph, crisp', async (_, options, numSteps) => {
    const scheduler = new FlowMatchEulerScheduler(options);
    const init = options.useDynamicShifting ? { imageSeqLen: 4096, sigmas: Array.from({ length: numSteps }, (_, i) => 1 - (i * (1 - 1 / numSteps)) / (numSteps - 1)) } : {};
    const result = await sample(scheduler, glyphsDenoiser(scheduler), { numSteps, shape: [40, GLYPH_SIZE, GLYPH_SIZE, 1], seed: 1, init });
    const values = await result.data();
    result.dispose();
    expectOnGlyphs(values);
  });
});
