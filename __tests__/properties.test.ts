// Property tests (fast-check): for random valid options and step counts, timesteps are
// strictly monotonic, unique, in range and numSteps long; steps stay finite; the diffusers
// config round trip is the identity.
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { DdimInverseScheduler, DdimScheduler, type DdimOptions } from 'tfjs-diffusion-schedulers';
import { NODE_BACKENDS, useBackend } from './helpers/backends';
import { dummyModel } from './helpers/harness';
import { nonFiniteWeights } from './helpers/plan_weights';

/** A finite double in [min, max], never -0 (which JSON writes as 0). */
const double = (min: number, max: number) => fc.double({ min, max, noNaN: true }).map((value) => value + 0);

/** Valid options of every kind, trained betas included. */
const options: fc.Arbitrary<DdimOptions> = fc.oneof(fc.integer({ min: 2, max: 64 }), fc.integer({ min: 2, max: 1000 })).chain((numTrainSteps) =>
  fc.record(
    {
      numTrainSteps: fc.constant(numTrainSteps),
      betaSchedule: fc.constantFrom('linear', 'quadratic', 'squared_cosine' as const),
      betaStart: double(1e-5, 0.05),
      betaEnd: double(1e-3, 0.5),
      // trained betas, for schedules short enough to shrink quickly
      trainedBetas: numTrainSteps > 64 ? fc.constant(null) : fc.oneof(fc.constant(null), fc.array(double(1e-4, 0.9), { minLength: numTrainSteps, maxLength: numTrainSteps })),
      rescaleBetasZeroSnr: fc.boolean(),
      predictionType: fc.constantFrom('noise', 'angular_velocity', 'sample' as const),
      alphaClipStrategy: fc.constantFrom('one', 'alpha_zero' as const),
      timestepsOffset: fc.integer({ min: 0, max: numTrainSteps - 1 }),
      timestepSpacing: fc.constantFrom('leading', 'trailing', 'linspace' as const),
      previousTimestep: fc.constantFrom('schedule', 'fixed_stride' as const),
      clipDenoisedSample: fc.boolean(),
      clipSampleRange: double(0.01, 10),
      thresholding: fc.boolean(),
      dynamicThresholdingRatio: double(0.001, 0.999),
      sampleMaxValue: double(1, 10),
      rederiveNoise: fc.boolean(),
      eta: fc.oneof(fc.constant(0), double(0, 2)),
    },
    { requiredKeys: ['numTrainSteps'] },
  ),
);

/** init(numSteps), or null when a leading offset pushes a timestep past the last training step (a documented RangeError). */
function initOrOffsetError(scheduler: DdimScheduler | DdimInverseScheduler, numSteps: number, shape: number[], seed: number) {
  try {
    return scheduler.init(numSteps, shape, { seed });
  } catch (error) {
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toMatch(/^timestepsOffset \d+ with numSteps \d+ makes timestep \d+, outside \[0, \d+\]/);
    expect(scheduler.options.timestepSpacing).toBe('leading');
    return null;
  }
}

beforeAll(() => useBackend('cpu'));

test('timesteps: numSteps of them, strictly monotonic (so unique), within [0, numTrainSteps - 1]; startIndex takes a suffix', () => {
  fc.assert(
    fc.property(options, fc.nat(), fc.nat(), (ddimOptions, stepSeed, startSeed) => {
      const numTrainSteps = ddimOptions.numTrainSteps!;
      const numSteps = 1 + (stepSeed % numTrainSteps);
      const startIndex = startSeed % numSteps;
      const inverseOptions = { ...ddimOptions, eta: 0 };
      for (const [scheduler, direction] of [[new DdimScheduler(ddimOptions), -1], [new DdimInverseScheduler(inverseOptions), 1]] as const) {
        const run = initOrOffsetError(scheduler, numSteps, [1], 0);
        if (run === null) continue;
        const timesteps = Array.from(run.timesteps.dataSync());
        expect(timesteps.length).toBe(numSteps);
        timesteps.forEach((t, i) => {
          expect(Number.isInteger(t) && t >= 0 && t < numTrainSteps).toBe(true);
          if (i > 0) expect(Math.sign(t - timesteps[i - 1])).toBe(direction);
        });
        const suffix = scheduler.init(numSteps, [1], { startIndex });
        expect(Array.from(suffix.timesteps.dataSync())).toEqual(timesteps.slice(startIndex));
        expect(suffix.state.numSteps).toBe(numSteps - startIndex);
        tf.dispose([run.timesteps, suffix.timesteps]);
        run.state.dispose();
        suffix.state.dispose();
      }
    }),
    { numRuns: 300 },
  );
});

test('every coefficient of every step is finite, for up to numTrainSteps steps', () => {
  fc.assert(
    fc.property(options, fc.nat(), (ddimOptions, stepSeed) => {
      const scheduler = new DdimScheduler(ddimOptions);
      const run = initOrOffsetError(scheduler, 1 + (stepSeed % ddimOptions.numTrainSteps!), [1], 0);
      if (run === null) return;
      expect(nonFiniteWeights(run.state)).toEqual([]);
      run.timesteps.dispose();
      run.state.dispose();
    }),
    { numRuns: 300 },
  );
});

describe.each(NODE_BACKENDS)('on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  test("whole runs stay finite: diffusers' dummy model from any sample in [-3, 3]", () => {
    const shape = [2, 6];
    fc.assert(
      fc.property(options, fc.integer({ min: 1, max: 12 }), fc.array(double(-3, 3), { minLength: 12, maxLength: 12 }), fc.nat(), (ddimOptions, stepCount, values, seed) => {
        const before = tf.memory().numTensors;
        const scheduler = new DdimScheduler(ddimOptions);
        const run = initOrOffsetError(scheduler, Math.min(stepCount, ddimOptions.numTrainSteps!), shape, seed);
        if (run === null) return;
        let state = run.state;
        let sample = tf.tensor(values, shape);
        for (const t of run.timesteps.dataSync()) {
          const prediction = dummyModel(sample, t);
          const out = scheduler.step(state, sample, prediction);
          tf.dispose([sample, prediction, out.denoised]);
          ({ state, sample } = out);
        }
        expect(Array.from(sample.dataSync()).every(Number.isFinite)).toBe(true);
        tf.dispose([sample, run.timesteps]);
        state.dispose();
        expect(tf.memory().numTensors).toBe(before);
      }),
      { numRuns: 60 },
    );
  });
});

test('the diffusers config round trip is the identity, as an object and as JSON text, for both schedulers', () => {
  fc.assert(
    fc.property(options, (ddimOptions) => {
      const scheduler = new DdimScheduler(ddimOptions);
      const config = scheduler.toDiffusersConfig();
      expect(DdimScheduler.fromDiffusersConfig(config).options).toEqual(scheduler.options);
      expect(DdimScheduler.fromDiffusersConfig(JSON.stringify(config)).options).toEqual(scheduler.options);
      expect(DdimScheduler.fromDiffusersConfig(config).toDiffusersConfig()).toEqual(config);
      const inverse = new DdimInverseScheduler({ ...ddimOptions, eta: 0 });
      expect(DdimInverseScheduler.fromDiffusersConfig(JSON.stringify(inverse.toDiffusersConfig())).options).toEqual(inverse.options);
    }),
    { numRuns: 200 },
  );
});
