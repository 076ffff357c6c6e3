// diffusers scheduler_config.json <-> options: the real Stable Diffusion configs, loadScheduler's
// choice of class and warnings, the key mapping both ways, and every bad value naming its key.
import * as tf from '@tensorflow/tfjs-core';
import { DdimInverseScheduler, DdimScheduler, EulerScheduler, LcmScheduler, loadScheduler, PndmScheduler, TcdScheduler, type Scheduler } from 'tfjs-diffusion-schedulers';
import sd15 from '../fixtures/sd15_scheduler_config.json';
import sd21 from '../fixtures/sd21_scheduler_config.json';
import lcm from '../fixtures/diffusers/lcm.json';
import pndm from '../fixtures/diffusers/pndm.json';
import tcd from '../fixtures/diffusers/tcd.json';
import { useBackend } from './helpers/backends';

beforeAll(() => useBackend('cpu'));

/** The parameters of diffusers' DDIMScheduler.__init__ (scheduling_ddim.py), which a DDIMScheduler config holds. */
const DDIM_SCHEDULER_KEYS = [
  'num_train_timesteps', 'beta_start', 'beta_end', 'beta_schedule', 'trained_betas', 'clip_sample', 'set_alpha_to_one', 'steps_offset',
  'prediction_type', 'thresholding', 'dynamic_thresholding_ratio', 'clip_sample_range', 'sample_max_value', 'timestep_spacing', 'rescale_betas_zero_snr',
];
/** DDIMInverseScheduler.__init__ (scheduling_ddim_inverse.py) has no thresholding parameters. */
const DDIM_INVERSE_SCHEDULER_KEYS = DDIM_SCHEDULER_KEYS.filter((key) => !['thresholding', 'dynamic_thresholding_ratio', 'sample_max_value'].includes(key));

/**
 * [family, case, diffusers class, config] of every fixture run of PNDMScheduler, LCMScheduler and
 * TCDScheduler, but LCM's `thresholding` with sample_max_value 0.5, below what our option allows.
 */
const FAMILY_CONFIGS = Object.entries({ pndm, lcm, tcd }).flatMap(([family, fixture]) =>
  fixture.cases
    .filter((entry) => !(((entry.config as Record<string, unknown>).sample_max_value as number) < 1))
    .map((entry) => [family, entry.name, entry.class, entry.config as Record<string, unknown>] as const),
);

function timestepsOf(scheduler: Scheduler, numSteps: number): number[] {
  const { state, timesteps } = scheduler.init(numSteps, [1]);
  const values = Array.from(timesteps.dataSync());
  timesteps.dispose();
  state.dispose();
  return values;
}

let warn: jest.SpyInstance;
beforeEach(() => {
  warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(() => warn.mockRestore());

describe('Stable Diffusion configs', () => {
  test('1.5 (a PNDMScheduler config) loads as a PndmScheduler, without a warning', () => {
    const scheduler = loadScheduler(sd15);
    expect(scheduler).toBeInstanceOf(PndmScheduler);
    expect(warn).not.toHaveBeenCalled();
    expect(scheduler.options).toEqual({
      numTrainSteps: 1000,
      betaSchedule: 'quadratic',
      betaStart: 0.00085,
      betaEnd: 0.012,
      trainedBetas: null,
      predictionType: 'noise',
      alphaClipStrategy: 'alpha_zero',
      timestepsOffset: 1,
      timestepSpacing: 'leading',
      reduceWarmup: true,
    });
    // skip_prk_steps: the first step twice, then one call per step (diffusers' plms_timesteps)
    expect(timestepsOf(scheduler, 50).slice(0, 4)).toEqual([981, 961, 961, 941]);
    expect(timestepsOf(scheduler, 50).at(-1)).toBe(1);
  });

  test('1.5 through DdimScheduler.fromDiffusersConfig: the object or its JSON text, no warning', () => {
    const fromObject = DdimScheduler.fromDiffusersConfig(sd15);
    const fromText = DdimScheduler.fromDiffusersConfig(JSON.stringify(sd15));
    expect(fromText.options).toEqual(fromObject.options);
    expect(fromObject.options).toMatchObject({ betaSchedule: 'quadratic', alphaClipStrategy: 'alpha_zero', timestepsOffset: 1, clipDenoisedSample: false });
    expect(timestepsOf(fromObject, 50).slice(0, 3)).toEqual([981, 961, 941]);
    expect(warn).not.toHaveBeenCalled();
  });

  test('2.1 (a DDIMScheduler config, v-prediction) loads as DDIM without a warning', () => {
    const scheduler = loadScheduler(JSON.stringify(sd21));
    expect(scheduler).toBeInstanceOf(DdimScheduler);
    expect(warn).not.toHaveBeenCalled();
    expect((scheduler as DdimScheduler).options.predictionType).toBe('angular_velocity');
    expect(scheduler.options).toEqual(DdimScheduler.fromDiffusersConfig(sd15, { predictionType: 'angular_velocity' }).options);
  });

  test("their alpha-bars end where arXiv 2305.08891 says Stable Diffusion's do: sqrt(alpha-bar_999) = 0.068265", () => {
    const alphaBars = (loadScheduler(sd21) as DdimScheduler).alphaBars;
    expect(alphaBars[0]).toBe(Math.fround(1 - Math.fround(0.00085)));
    expect(Math.abs(Math.sqrt(alphaBars[999]) - 0.068265)).toBeLessThan(1e-6);
  });

  test('overrides go on top: 2.1 with zero-SNR and trailing spacing', () => {
    const scheduler = loadScheduler(sd21, { rescaleBetasZeroSnr: true, timestepSpacing: 'trailing' });
    expect((scheduler as DdimScheduler).alphaBars[999]).toBe(0);
    expect(timestepsOf(scheduler, 4)).toEqual([999, 749, 499, 249]);
  });
});

describe('loadScheduler picks the class', () => {
  test('DDIMInverseScheduler', () => {
    const scheduler = loadScheduler({ ...sd21, _class_name: 'DDIMInverseScheduler' });
    expect(scheduler).toBeInstanceOf(DdimInverseScheduler);
    expect(timestepsOf(scheduler, 5)).toEqual([1, 201, 401, 601, 801]);
    expect(warn).not.toHaveBeenCalled();
  });

  test.each([
    ['PNDMScheduler', PndmScheduler],
    ['LCMScheduler', LcmScheduler],
    ['TCDScheduler', TcdScheduler],
  ])('%s loads as its own class, without a warning', (className, type) => {
    expect(loadScheduler({ ...sd15, _class_name: className })).toBeInstanceOf(type);
    expect(warn).not.toHaveBeenCalled();
  });

  test('a class we still lack (LMSDiscreteScheduler) loads as DDIM, with a warning naming the keys DDIM ignores', () => {
    const lms = { ...sd15, _class_name: 'LMSDiscreteScheduler', use_karras_sigmas: false };
    const scheduler = loadScheduler(lms);
    expect(scheduler).toBeInstanceOf(DdimScheduler);
    expect(scheduler.options).toEqual(DdimScheduler.fromDiffusersConfig(lms).options);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toMatch(/^loadScheduler: the LMSDiscreteScheduler config loads as a DdimScheduler .*it ignores the keys skip_prk_steps, use_karras_sigmas$/);
  });

  test('an EulerDiscreteScheduler config (SDXL) loads as an EulerScheduler; a HeunDiscreteScheduler one as DDIM, naming every key it ignores', () => {
    const sdxl = {
      _class_name: 'EulerDiscreteScheduler', _diffusers_version: '0.19.0.dev0', beta_end: 0.012, beta_schedule: 'scaled_linear', beta_start: 0.00085,
      clip_sample: false, interpolation_type: 'linear', num_train_timesteps: 1000, prediction_type: 'epsilon', sample_max_value: 1.0,
      set_alpha_to_one: false, skip_prk_steps: true, steps_offset: 1, timestep_spacing: 'leading', trained_betas: null, use_karras_sigmas: false,
    };
    expect(loadScheduler(sdxl)).toBeInstanceOf(EulerScheduler);
    expect(loadScheduler(sdxl).options).toMatchObject({ betaSchedule: 'quadratic', timestepsOffset: 1, timestepSpacing: 'leading', sigmaSchedule: 'default' });
    expect(warn).not.toHaveBeenCalled();
    expect(loadScheduler({ ...sdxl, _class_name: 'HeunDiscreteScheduler' })).toBeInstanceOf(DdimScheduler);
    expect(warn.mock.calls[0][0]).toMatch(/the HeunDiscreteScheduler config loads as a DdimScheduler .*it ignores the keys interpolation_type, skip_prk_steps, use_karras_sigmas$/);
  });

  test.each([
    [{ ...sd15, _class_name: 'FlowMatchHeunDiscreteScheduler' }, RangeError, /config._class_name must name a diffusers scheduler we have or one of its family \(DDIMScheduler, DDIMInverseScheduler, .*DDPMScheduler, .*\), got "FlowMatchHeunDiscreteScheduler"/],
    [{ beta_start: 0.001 }, TypeError, /config._class_name must name .* got undefined/],
    [{ _class_name: 7 }, TypeError, /got 7/],
  ])('rejects the class of %j', (config, type, message) => {
    expect(() => loadScheduler(config)).toThrow(type);
    expect(() => loadScheduler(config)).toThrow(message);
  });
});

describe('toDiffusersConfig', () => {
  test("writes _class_name and every key of DDIMScheduler's constructor, in diffusers' spelling", () => {
    const config = DdimScheduler.fromDiffusersConfig(sd21).toDiffusersConfig();
    expect(Object.keys(config).sort()).toEqual(['_class_name', ...DDIM_SCHEDULER_KEYS].sort());
    const ddimKeys = Object.entries(sd21).filter(([key]) => key !== 'skip_prk_steps');
    expect(config).toMatchObject(Object.fromEntries(ddimKeys));
    expect(config).toMatchObject({ thresholding: false, dynamic_thresholding_ratio: 0.995, clip_sample_range: 1, sample_max_value: 1, timestep_spacing: 'leading', rescale_betas_zero_snr: false });
  });

  test('DdimInverseScheduler writes a DDIMInverseScheduler config, without the keys that class lacks', () => {
    const config = new DdimInverseScheduler().toDiffusersConfig();
    expect(config._class_name).toBe('DDIMInverseScheduler');
    expect(Object.keys(config).sort()).toEqual(['_class_name', ...DDIM_INVERSE_SCHEDULER_KEYS].sort());
  });

  test('options diffusers has no key for are kept under _tfjs_diffusion_schedulers (diffusers drops "_" keys), only when not default', () => {
    const scheduler = new DdimScheduler({ eta: 0.5, previousTimestep: 'fixed_stride', rederiveNoise: true });
    const config = scheduler.toDiffusersConfig();
    expect(config._tfjs_diffusion_schedulers).toEqual({ eta: 0.5, previousTimestep: 'fixed_stride', rederiveNoise: true });
    expect(new DdimScheduler().toDiffusersConfig()).not.toHaveProperty('_tfjs_diffusion_schedulers');
    expect(DdimScheduler.fromDiffusersConfig(JSON.stringify(config)).options).toEqual(scheduler.options);
    const inverse = new DdimInverseScheduler({ thresholding: true, sampleMaxValue: 3 });
    expect(inverse.toDiffusersConfig()._tfjs_diffusion_schedulers).toEqual({ thresholding: true, sampleMaxValue: 3 });
    expect(DdimInverseScheduler.fromDiffusersConfig(inverse.toDiffusersConfig()).options).toEqual(inverse.options);
  });

  // Every config diffusers held after constructing the fixtures' PNDM, LCM and TCD schedulers:
  // read and written back, it is the same config (every key of the class's constructor).
  test.each(FAMILY_CONFIGS)('%s: reads and writes back the config diffusers holds (%s)', (_family, _case, className, config) => {
    const scheduler = loadScheduler({ _class_name: className, ...config });
    expect(scheduler.toDiffusersConfig()).toEqual({ _class_name: className, ...config });
    expect(warn).not.toHaveBeenCalled();
  });

  test("TCD's gamma, a step argument in diffusers, goes under _tfjs_diffusion_schedulers and back", () => {
    const scheduler = new TcdScheduler({ gamma: 0.7 });
    const config = scheduler.toDiffusersConfig();
    expect(config._tfjs_diffusion_schedulers).toEqual({ gamma: 0.7 });
    expect(TcdScheduler.fromDiffusersConfig(config).options).toEqual(scheduler.options);
    expect(new TcdScheduler().toDiffusersConfig()).not.toHaveProperty('_tfjs_diffusion_schedulers');
  });

  test("Bumblebee's option names for diffusers' keys: skip_prk_steps, original_inference_steps, timestep_scaling", () => {
    expect(PndmScheduler.fromDiffusersConfig({ skip_prk_steps: true }).options.reduceWarmup).toBe(true);
    const lcm = LcmScheduler.fromDiffusersConfig({ original_inference_steps: 100, timestep_scaling: 5 });
    expect(lcm.options).toMatchObject({ numOriginalSteps: 100, boundaryConditionTimestepScale: 5 });
    expect(() => PndmScheduler.fromDiffusersConfig({ prediction_type: 'sample' })).toThrow('prediction_type must be one of "epsilon", "v_prediction", got "sample"');
    expect(() => LcmScheduler.fromDiffusersConfig({ original_inference_steps: 0 })).toThrow('original_inference_steps must be an integer in [1, 1000], got 0');
    expect(() => TcdScheduler.fromDiffusersConfig({ timestep_scaling: -1 })).toThrow('timestep_scaling must be a number > 0, got -1');
  });

  test('trained betas round-trip as a plain array and give the alpha-bars of the schedule they came from', () => {
    const linear = new DdimScheduler({ numTrainSteps: 100 });
    const betas = Array.from(linear.alphaBars, (alphaBar, t) => (t === 0 ? 1 - alphaBar : 1 - alphaBar / linear.alphaBars[t - 1]));
    const trained = DdimScheduler.fromDiffusersConfig({ num_train_timesteps: 100, trained_betas: betas });
    expect(trained.options.trainedBetas).toEqual(betas);
    trained.alphaBars.forEach((alphaBar, t) => expect(Math.abs(alphaBar - linear.alphaBars[t])).toBeLessThan(1e-6));
    const config = trained.toDiffusersConfig();
    expect(config.trained_betas).toEqual(betas);
    expect(config.trained_betas).not.toBe(trained.options.trainedBetas);
    expect(DdimScheduler.fromDiffusersConfig(config).options).toEqual(trained.options);
  });
});

describe('bad configs name the key and the value', () => {
  test.each([
    [{ beta_schedule: 'sigmoid' }, RangeError, 'beta_schedule must be one of "linear", "scaled_linear", "squaredcos_cap_v2", got "sigmoid"'],
    [{ prediction_type: 'eps' }, RangeError, 'prediction_type must be one of "epsilon", "v_prediction", "sample", got "eps"'],
    [{ timestep_spacing: 'spread' }, RangeError, 'timestep_spacing must be one of "leading", "trailing", "linspace", got "spread"'],
    [{ set_alpha_to_one: 'yes' }, TypeError, 'set_alpha_to_one must be one of true, false, got "yes"'],
    [{ num_train_timesteps: 0 }, RangeError, 'num_train_timesteps must be an integer in [1, 100000], got 0'],
    [{ num_train_timesteps: '1000' }, TypeError, 'num_train_timesteps must be an integer in [1, 100000], got "1000"'],
    [{ steps_offset: 1000 }, RangeError, 'steps_offset must be an integer in [0, 999], got 1000'],
    [{ beta_start: -0.1 }, RangeError, 'beta_start must be a number with 0 < x < 1, got -0.1'],
    [{ clip_sample: 1 }, TypeError, 'clip_sample must be true or false, got 1'],
    [{ clip_sample_range: 0 }, RangeError, 'clip_sample_range must be a number > 0, got 0'],
    [{ sample_max_value: -0.5 }, RangeError, 'sample_max_value must be a number > 0, got -0.5'],
    [{ dynamic_thresholding_ratio: 1 }, RangeError, 'dynamic_thresholding_ratio must be a number with 0 < x < 1, got 1'],
    [{ rescale_betas_zero_snr: null }, TypeError, 'rescale_betas_zero_snr must be true or false, got null'],
    [{ trained_betas: [0.1, 0.3] }, RangeError, 'trained_betas must hold num_train_timesteps = 1000 values, got 2; set num_train_timesteps to the length of trained_betas'],
    [{ num_train_timesteps: 2, trained_betas: [0.1, 1.5] }, RangeError, 'trained_betas[1] must be a number in [0, 1], got 1.5'],
    [{ trained_betas: 'none' }, TypeError, 'trained_betas must be an array of num_train_timesteps numbers in [0, 1], got "none"'],
    [{ _tfjs_diffusion_schedulers: { eta: -1 } }, RangeError, '_tfjs_diffusion_schedulers.eta must be a number >= 0 and <= 1000, got -1'],
    [{ _tfjs_diffusion_schedulers: { etta: 1 } }, TypeError, 'unknown DdimScheduler option "etta"'],
    [{ _tfjs_diffusion_schedulers: [1] }, TypeError, '_tfjs_diffusion_schedulers must be an object of options, got [1]'],
  ])('%j', (config, type, message) => {
    expect(() => DdimScheduler.fromDiffusersConfig(config)).toThrow(type);
    expect(() => DdimScheduler.fromDiffusersConfig(config)).toThrow(message);
  });

  test('an override is named by its own name, and replaces the config value before the check', () => {
    expect(() => DdimScheduler.fromDiffusersConfig(sd15, { eta: -1 })).toThrow('eta must be a number >= 0 and <= 1000, got -1');
    expect(DdimScheduler.fromDiffusersConfig({ sample_max_value: 0.5 }, { sampleMaxValue: 2 }).options.sampleMaxValue).toBe(2);
    expect(() => DdimScheduler.fromDiffusersConfig(sd15, { betaschedule: 'linear' } as never)).toThrow('unknown DdimScheduler option "betaschedule"');
    expect(() => DdimScheduler.fromDiffusersConfig(sd15, 'trailing' as never)).toThrow('overrides must be an object of DdimScheduler options, got "trailing"');
  });

  test('text that is not JSON, and JSON that is not an object', () => {
    expect(() => DdimScheduler.fromDiffusersConfig('{"beta_start": ')).toThrow(SyntaxError);
    expect(() => DdimScheduler.fromDiffusersConfig('{"beta_start": ')).toThrow(/^config is not valid JSON: /);
    expect(() => DdimScheduler.fromDiffusersConfig('[1, 2]')).toThrow('config must be a diffusers scheduler config (an object or its JSON text), got [1, 2]');
    expect(() => DdimInverseScheduler.fromDiffusersConfig(null as never)).toThrow('got null');
  });

  test('nothing is made on the device by reading a config', () => {
    const before = tf.memory().numTensors;
    loadScheduler(sd15);
    DdimInverseScheduler.fromDiffusersConfig(sd21).toDiffusersConfig();
    expect(tf.memory().numTensors).toBe(before);
  });
});
