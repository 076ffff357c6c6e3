// Bad input for DpmSolverMultistepScheduler and UniPcMultistepScheduler, one spec for both:
// options, diffusers configs, init arguments and step misuse. Every message names the
// argument, the value and what is allowed; nothing leaks; a step that throws leaves its state
// (and the run's history) usable.
import * as tf from '@tensorflow/tfjs-core';
import { DdimScheduler, DpmSolverMultistepScheduler, UniPcMultistepScheduler, type Scheduler } from 'tfjs-diffusion-schedulers';
import { useBackend } from './helpers/backends';
import { BAD_NUM_STEPS, expectRejected } from './helpers/rejections';

beforeAll(() => useBackend('cpu'));

interface Family {
  name: string;
  create(options?: object): Scheduler & { sigmasFor(numSteps: number, opts?: object): Float64Array };
  fromDiffusersConfig(config: object | string): Scheduler;
  /** Options that make it draw noise, or that keep the most history. */
  busy: object;
}

const FAMILIES: Family[] = [
  {
    name: 'DpmSolverMultistepScheduler',
    create: (options) => new DpmSolverMultistepScheduler(options),
    fromDiffusersConfig: (config) => DpmSolverMultistepScheduler.fromDiffusersConfig(config),
    busy: { algorithmType: 'sde-dpmsolver++', solverOrder: 3 },
  },
  {
    name: 'UniPcMultistepScheduler',
    create: (options) => new UniPcMultistepScheduler(options),
    fromDiffusersConfig: (config) => UniPcMultistepScheduler.fromDiffusersConfig(config),
    busy: { solverOrder: 3, predictX0: false, predictionType: 'angular_velocity' },
  },
];

/** Options both classes check alike: [options, error type, message]. */
const SHARED_OPTIONS: Array<[object, ErrorConstructor, RegExp]> = [
  [{ betaSchedule: 'cosine' }, RangeError, /betaSchedule must be one of 'linear', 'quadratic', 'squared_cosine', got "cosine"/],
  [{ betaStart: NaN }, RangeError, /betaStart must be a number with 0 < x < 1, got NaN/],
  [{ solverOrder: 0 }, RangeError, /solverOrder must be an integer in \[1, 3\], got 0/],
  [{ solverOrder: 4 }, RangeError, /solverOrder must be an integer in \[1, 3\], got 4/],
  [{ solverOrder: 2.5 }, RangeError, /solverOrder must be an integer in \[1, 3\], got 2.5/],
  [{ solverOrder: '2' }, TypeError, /solverOrder must be an integer in \[1, 3\], got "2"/],
  [{ solverOrder: Infinity }, RangeError, /solverOrder must be an integer in \[1, 3\], got Infinity/],
  [{ predictionType: 'epsilon' }, RangeError, /predictionType must be one of 'noise', 'angular_velocity', 'sample', 'flow', got "epsilon"/],
  [{ thresholding: 1 }, TypeError, /thresholding must be true or false, got 1/],
  [{ dynamicThresholdingRatio: 1 }, RangeError, /dynamicThresholdingRatio must be a number with 0 < x < 1, got 1/],
  [{ sampleMaxValue: 0 }, RangeError, /sampleMaxValue must be a number > 0, got 0/],
  [{ sampleMaxValue: Infinity }, RangeError, /sampleMaxValue must be a number > 0, got Infinity/],
  [{ lowerOrderFinal: 'no' }, TypeError, /lowerOrderFinal must be true or false, got "no"/],
  [{ sigmaSchedule: 'cosine' }, RangeError, /sigmaSchedule must be one of 'default', 'karras', 'exponential', 'beta', .*got "cosine"/],
  [{ flowShift: 0 }, RangeError, /flowShift must be a number > 0, got 0/],
  [{ flowShift: NaN }, RangeError, /flowShift must be a number > 0, got NaN/],
  [{ finalSigmasType: 'min' }, RangeError, /finalSigmasType must be one of 'zero', 'sigma_min', got "min"/],
  [{ timestepSpacing: 'uniform' }, RangeError, /timestepSpacing must be one of 'leading', 'trailing', 'linspace', got "uniform"/],
  [{ timestepsOffset: -1 }, RangeError, /timestepsOffset must be an integer in \[0, 999\], got -1/],
  [{ rescaleBetasZeroSnr: 'yes' }, TypeError, /rescaleBetasZeroSnr must be true or false, got "yes"/],
  [{ useDynamicShifting: 1 }, TypeError, /useDynamicShifting must be true or false, got 1/],
  [{ timeShiftType: 'cosine' }, RangeError, /timeShiftType must be one of 'exponential'.*got "cosine"/],
  [{ solverorder: 2 }, TypeError, /unknown \w+ option "solverorder"; the options are numTrainSteps, /],
  [{ predictionType: 'flow' }, RangeError, /predictionType 'flow' needs sigmaSchedule 'flow' \(a rectified-flow schedule\), got sigmaSchedule "default"/],
  [{ useDynamicShifting: true, sigmaSchedule: 'karras' }, RangeError, /useDynamicShifting shifts flow sigmas; it needs sigmaSchedule 'flow', got "karras"/],
];

const OWN_OPTIONS: Record<string, Array<[object, ErrorConstructor, RegExp]>> = {
  DpmSolverMultistepScheduler: [
    [{ algorithmType: 'dpm' }, RangeError, /algorithmType must be one of 'dpmsolver\+\+', 'sde-dpmsolver\+\+', 'dpmsolver', 'sde-dpmsolver', got "dpm"/],
    [{ solverType: 'bh2' }, RangeError, /solverType must be one of 'midpoint', 'heun', got "bh2"/],
    [{ eulerAtFinal: 0 }, TypeError, /eulerAtFinal must be true or false, got 0/],
    [{ lambdaMinClipped: NaN }, RangeError, /lambdaMinClipped must be a finite number or -Infinity, got NaN/],
    [{ lambdaMinClipped: Infinity }, RangeError, /lambdaMinClipped must be a finite number or -Infinity, got Infinity/],
    [{ lambdaMinClipped: '-inf' }, TypeError, /lambdaMinClipped must be a finite number or -Infinity, got "-inf"/],
    [{ sigmaSchedule: 'flow_karras' }, RangeError, /sigmaSchedule must be one of 'default', 'karras', 'exponential', 'beta', 'lu_lambdas', 'flow', got "flow_karras"/],
    [{ algorithmType: 'sde-dpmsolver', solverOrder: 3, finalSigmasType: 'sigma_min' }, RangeError, /algorithmType 'sde-dpmsolver' has no third-order update; use solverOrder 1 or 2/],
    [{ algorithmType: 'dpmsolver' }, RangeError, /finalSigmasType 'zero' needs a data-prediction algorithm .*with algorithmType "dpmsolver" use finalSigmasType 'sigma_min'/],
    [{ algorithmType: 'sde-dpmsolver', finalSigmasType: 'sigma_min', sigmaSchedule: 'flow', predictionType: 'flow' }, RangeError, /predictionType 'flow' needs a data-prediction algorithm .*got algorithmType "sde-dpmsolver"/],
    [{ timeShiftType: 'linear' }, RangeError, /timeShiftType must be one of 'exponential', got "linear"/],
  ],
  UniPcMultistepScheduler: [
    [{ solverType: 'midpoint' }, RangeError, /solverType must be one of 'bh1', 'bh2', got "midpoint"/],
    [{ predictX0: 'yes' }, TypeError, /predictX0 must be true or false, got "yes"/],
    [{ disableCorrector: 'all' }, TypeError, /disableCorrector must be an array of step indices \(integers >= 0\), got "all"/],
    [{ disableCorrector: [1, -1] }, RangeError, /disableCorrector\[1\] must be a step index \(an integer >= 0\), got -1/],
    [{ disableCorrector: [1.5] }, RangeError, /disableCorrector\[0\] must be a step index \(an integer >= 0\), got 1.5/],
    [{ disableCorrector: ['1'] }, TypeError, /disableCorrector\[0\] must be a step index \(an integer >= 0\), got "1"/],
    [{ sigmaMin: 0 }, RangeError, /sigmaMin must be a number > 0, got 0/],
    [{ sigmaMax: -1 }, RangeError, /sigmaMax must be a number > 0, got -1/],
    [{ shiftTerminal: 1 }, RangeError, /shiftTerminal must be a number with 0 < x < 1, got 1/],
    [{ sigmaSchedule: 'lu_lambdas' }, RangeError, /sigmaSchedule must be one of 'default', 'karras', 'exponential', 'beta', 'flow', 'flow_karras', got "lu_lambdas"/],
    [{ shiftTerminal: 0.1 }, RangeError, /shiftTerminal stretches flow sigmas; it needs sigmaSchedule 'flow', got "default"/],
    [{ predictX0: false, sigmaSchedule: 'flow', predictionType: 'flow' }, RangeError, /predictionType 'flow' needs predictX0 true/],
    [{ predictX0: false, thresholding: true }, RangeError, /thresholding bounds x0 and needs predictX0 true/],
  ],
};

describe.each(FAMILIES)('$name', (family) => {
  test.each([...SHARED_OPTIONS, ...OWN_OPTIONS[family.name]].map(([options, type, message]) => [JSON.stringify(options), options, type, message] as const))(
    'options %s',
    (_, options, type, message) => {
      expectRejected(() => family.create(options), type, message);
    },
  );

  test('options that are not an object; undefined options take their defaults', () => {
    expect(() => family.create(42 as never)).toThrow(new RegExp(`options must be an object of ${family.name} options, got 42`));
    expect(family.create({ solverOrder: undefined }).options).toMatchObject({ solverOrder: 2 });
  });

  test.each<[object, ErrorConstructor, RegExp]>([
    [{ use_karras_sigmas: true, use_beta_sigmas: true }, RangeError, /use_karras_sigmas and use_beta_sigmas are all true; a config selects at most one sigma schedule/],
    [{ use_karras_sigmas: 'yes' }, TypeError, /use_karras_sigmas must be true or false, got "yes"/],
    [{ prediction_type: 'velocity' }, RangeError, /prediction_type must be one of "epsilon", "v_prediction", "sample", "flow_prediction", got "velocity"/],
    [{ solver_order: 5 }, RangeError, /solver_order must be an integer in \[1, 3\], got 5/],
    [{ final_sigmas_type: 'none' }, RangeError, /final_sigmas_type must be one of 'zero', 'sigma_min', got "none"/],
  ])('config %j', (config, type, message) => {
    expect(() => family.fromDiffusersConfig(config)).toThrow(type);
    expect(() => family.fromDiffusersConfig(config)).toThrow(message);
  });

  describe('init', () => {
    const scheduler = family.create();
    test.each(BAD_NUM_STEPS)('numSteps %p', (numSteps, message) => {
      expectRejected(() => scheduler.init(numSteps, [2]), RangeError, message);
      expectRejected(() => scheduler.sigmasFor(numSteps), RangeError, message);
    });

    test.each<[unknown, ErrorConstructor, RegExp]>([
      ['14, 5, 1', TypeError, /sigmas must be an array of 3 or 4 descending sigmas \(numSteps, or numSteps \+ 1 with the final one\), got "14, 5, 1"/],
      [[14, 5], RangeError, /sigmas must hold numSteps = 3 values, or numSteps \+ 1 with the final one, got 2/],
      [[14, 5, 1, 0, 0], RangeError, /sigmas must hold numSteps = 3 values, or numSteps \+ 1 with the final one, got 5/],
      [[14, NaN, 1], RangeError, /sigmas\[1\] must be a finite number, got NaN/],
      [[14, Infinity, 1], RangeError, /sigmas\[1\] must be a finite number, got Infinity/],
      [[14, '5', 1], TypeError, /sigmas\[1\] must be a number, got "5"/],
      [[1, 5, 14], RangeError, /sigmas must descend, got sigmas\[0\] = 1 then sigmas\[1\] = 5/],
      [[14, 5, 5, 1], RangeError, /sigmas: sigmas must descend \(only the final one may equal the one before\), got sigma 1 = 5 then sigma 2 = 5/],
      [[14, 5, 0, 0], RangeError, /sigmas: sigma 2 must be positive and finite, got 0/],
      [[14, 5, -1], RangeError, /sigmas: sigma 2 must be positive and finite, got -1/],
    ])('sigmas %j', (sigmas, type, message) => {
      expectRejected(() => scheduler.init(3, [2], { sigmas } as never), type, message);
    });

    test('flow sigmas lie in (0, 1)', () => {
      const flow = family.create({ sigmaSchedule: 'flow', predictionType: 'flow' });
      expectRejected(() => flow.init(2, [2], { sigmas: [1.5, 0.5] } as never), RangeError, /sigmas: sigma 0 must be in \(0, 1\), got 1.5/);
    });

    test('mu goes with useDynamicShifting, which needs it', () => {
      const flow = (options: object = {}) => family.create({ sigmaSchedule: 'flow', predictionType: 'flow', ...options });
      expectRejected(() => flow().init(4, [2], { mu: 1 } as never), TypeError, /mu goes with useDynamicShifting: true, got mu 1 with useDynamicShifting false/);
      expectRejected(() => flow({ useDynamicShifting: true }).init(4, [2]), TypeError, /useDynamicShifting needs init option mu/);
      expectRejected(() => flow({ useDynamicShifting: true }).init(4, [2], { mu: NaN } as never), RangeError, /mu must be a finite number, got NaN/);
      expectRejected(() => flow({ useDynamicShifting: true }).init(4, [2], { mu: '1' } as never), TypeError, /mu must be a finite number, got "1"/);
    });

    test('unknown init options; sigmasFor takes the schedule options only', () => {
      expectRejected(() => scheduler.init(4, [2], { sigma: [1] } as never), TypeError, /unknown init option "sigma"; the options are seed, key, generator, startIndex, sigmas/);
      expect(() => scheduler.sigmasFor(4, { seed: 1 })).toThrow(/unknown sigmasFor option "seed"; the options are sigmas/);
      expect(() => scheduler.sigmasFor(4, 'karras' as never)).toThrow(/sigmasFor options must be an object like \{ mu \}, got "karras"/);
      expectRejected(() => scheduler.init(10, [2], { startIndex: 10 }), RangeError, /startIndex must be an integer in \[0, 9\], got 10/);
    });

    test('a schedule whose rounded timesteps repeat a sigma, or an offset beyond the training steps', () => {
      expectRejected(() => scheduler.init(1000, [2]), RangeError, /sigmaSchedule "default" with 1000 steps: sigmas must descend .*got sigma \d+ = [\d.]+ then sigma \d+ = [\d.]+/);
      expectRejected(() => family.create({ timestepSpacing: 'leading', timestepsOffset: 200 }).init(10, [2]), RangeError, /timestepsOffset 200 with numSteps 10 makes timestep 1100, outside \[0, 999\]/);
    });
  });

  describe('step', () => {
    const shape = [2, 3];
    let sample: tf.Tensor;
    let prediction: tf.Tensor;
    beforeEach(() => {
      sample = tf.ones(shape);
      prediction = tf.fill(shape, 0.3);
    });
    afterEach(() => tf.dispose([sample, prediction]));

    test('misuse leaves the state and its history usable: the run ends as one without the misuse', async () => {
      const scheduler = family.create(family.busy);
      const clean = scheduler.init(6, shape, { seed: 3 });
      const faulty = scheduler.init(6, shape, { seed: 3 });
      const wide = tf.zeros([2, 4]);
      const ints = tf.zeros(shape, 'int32');
      const other = family.create(family.busy).init(6, shape, { seed: 3 });
      let [a, b] = [clean.state, faulty.state];
      let [x, y] = [tf.clone(sample), tf.clone(sample)];
      for (let i = 0; i < 6; i++) {
        expectRejected(() => scheduler.step(b, y, wide), RangeError, /modelOutput has shape \[2, 4\], which differs from the shape of sample \[2, 3\]/);
        expectRejected(() => scheduler.step(b, y, ints), TypeError, /modelOutput must be a float32 tensor, got dtype int32/);
        expectRejected(() => scheduler.step(b, wide, prediction), RangeError, /sample has shape \[2, 4\], which differs from the sampleShape given to init \[2, 3\]/);
        expectRejected(() => scheduler.step(b, y, [1, 2] as never), TypeError, /modelOutput must be a tf.Tensor, got \[1, 2\]/);
        expectRejected(() => scheduler.step(other.state, y, prediction), Error, /state belongs to another scheduler/);
        expectRejected(() => scheduler.step(b, y, prediction, { noise: wide }), RangeError, /opts.noise has shape \[2, 4\], which differs from the shape of sample \[2, 3\]/);
        const outA = scheduler.step(a, x, prediction);
        const outB = scheduler.step(b, y, prediction);
        expectRejected(() => scheduler.step(b, y, prediction), Error, /state was already stepped: it is the state before step \d, and the run is at step \d/);
        tf.dispose([x, y, outA.denoised, outB.denoised]);
        [a, b, x, y] = [outA.state, outB.state, outA.sample, outB.sample];
      }
      expectRejected(() => scheduler.step(b, y, prediction), RangeError, /step was called past the last timestep: the run has 6 steps and all were taken/);
      expect(Array.from(await y.data())).toEqual(Array.from(await x.data()));
      [clean.timesteps, faulty.timesteps, other.timesteps, wide, ints, x, y].forEach((t) => t.dispose());
      [a, b, other.state].forEach((state) => state.dispose());
      expectRejected(() => scheduler.step(b, sample, prediction), Error, /state was disposed: state.dispose\(\) ended its run/);
    });

    test('a state of another class', () => {
      const ddim = new DdimScheduler().init(2, shape);
      expectRejected(() => family.create().step(ddim.state, sample, prediction), Error, /state belongs to another scheduler/);
      ddim.state.dispose();
      ddim.timesteps.dispose();
    });
  });
});

describe('DPM-Solver only', () => {
  const dpm = new DpmSolverMultistepScheduler({ finalSigmasType: 'sigma_min' });
  test('custom timesteps', () => {
    expect(() => dpm.init(3, [2], { timesteps: [999, 500] })).toThrow(/timesteps must hold numSteps = 3 values, got 2/);
    expect(() => dpm.init(3, [2], { timesteps: [999, 500, 500] })).toThrow(/timesteps must descend strictly, got timesteps\[1\] = 500 then timesteps\[2\] = 500/);
    expect(() => dpm.init(3, [2], { timesteps: [1000, 500, 1] })).toThrow(/timesteps\[0\] must be an integer in \[0, 999\], got 1000/);
    expect(() => dpm.init(3, [2], { timesteps: [999, 500.5, 1] })).toThrow(/timesteps\[1\] must be an integer in \[0, 999\], got 500.5/);
    expect(() => dpm.init(3, [2], { timesteps: [999, 500, 1], sigmas: [3, 2, 1] })).toThrow(/init takes custom sigmas or custom timesteps, not both/);
    expect(() => new DpmSolverMultistepScheduler({ sigmaSchedule: 'karras' }).init(3, [2], { timesteps: [999, 500, 1] })).toThrow(
      /custom timesteps go with sigmaSchedule 'default' \(the others set the timesteps from their sigmas\), got "karras"/,
    );
  });

  test('a noise-prediction algorithm cannot end at sigma 0', () => {
    const eps = new DpmSolverMultistepScheduler({ algorithmType: 'dpmsolver', finalSigmasType: 'sigma_min' });
    expect(() => eps.init(3, [2], { sigmas: [3, 2, 1, 0] })).toThrow(/sigmas: a final sigma of 0 needs a data-prediction algorithm .*algorithmType "dpmsolver" divides by it/);
  });

  test.each<[object, RegExp]>([
    [{ variance_type: 'learned' }, /variance_type "learned" is not supported: DpmSolverMultistepScheduler takes a model output of the sample's shape/],
    [{ variance_type: 'learned_range' }, /variance_type "learned_range" is not supported/],
    [{ algorithm_type: 'dpm++' }, /algorithm_type must be one of "dpmsolver\+\+", "sde-dpmsolver\+\+", "dpmsolver", "sde-dpmsolver", "deis", got "dpm\+\+"/],
    [{ lambda_min_clipped: 'x' }, /lambda_min_clipped must be a finite number or -Infinity, got "x"/],
  ])('config %j', (config, message) => {
    expect(() => DpmSolverMultistepScheduler.fromDiffusersConfig(config)).toThrow(message);
  });
});

describe('UniPC only', () => {
  test('a predictor of order 2 or more cannot end at sigma 0 (diffusers: NaN or a singular system)', () => {
    const before = tf.memory().numTensors;
    expect(() => new UniPcMultistepScheduler({ lowerOrderFinal: false }).init(5, [2])).toThrow(
      /step 4 ends at sigma 0 with a predictor of order 2, whose terms are infinite there .*set lowerOrderFinal true, or finalSigmasType 'sigma_min'/,
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  test.each<[object, RegExp]>([
    [{ solver_p: { _class_name: 'DPMSolverMultistepScheduler' } }, /solver_p an object is not supported: UniPcMultistepScheduler predicts with UniP; solver_p must be null/],
    [{ use_flow_sigmas: true, use_karras_sigmas: true, use_beta_sigmas: true }, /use_karras_sigmas and use_beta_sigmas are all true/],
    [{ disable_corrector: 1 }, /disable_corrector must be an array of step indices/],
  ])('config %j', (config, message) => {
    expect(() => UniPcMultistepScheduler.fromDiffusersConfig(config)).toThrow(message);
  });
});
