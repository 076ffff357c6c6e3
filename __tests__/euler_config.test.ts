// Euler and Euler ancestral <-> diffusers scheduler_config.json: the keys each diffusers class's
// constructor takes, the sigma-schedule booleans as one option, the step arguments (churn) under
// the own-options key, and round trips.
import { EulerAncestralScheduler, EulerScheduler, loadScheduler } from 'tfjs-diffusion-schedulers';

/** The parameters of diffusers' EulerAncestralDiscreteScheduler.__init__. */
const ANCESTRAL_KEYS = ['num_train_timesteps', 'beta_start', 'beta_end', 'beta_schedule', 'trained_betas', 'prediction_type', 'timestep_spacing', 'steps_offset', 'rescale_betas_zero_snr'];
/** The parameters of diffusers' EulerDiscreteScheduler.__init__. */
const EULER_KEYS = [
  ...ANCESTRAL_KEYS, 'interpolation_type', 'use_karras_sigmas', 'use_exponential_sigmas', 'use_beta_sigmas', 'sigma_min', 'sigma_max', 'timestep_type', 'final_sigmas_type',
];

test("EulerScheduler writes every key of diffusers' constructor, with diffusers' defaults", () => {
  const config = new EulerScheduler().toDiffusersConfig();
  expect(Object.keys(config).sort()).toEqual(['_class_name', ...EULER_KEYS].sort());
  expect(config).toEqual({
    _class_name: 'EulerDiscreteScheduler', num_train_timesteps: 1000, beta_start: 0.0001, beta_end: 0.02, beta_schedule: 'linear', trained_betas: null,
    prediction_type: 'epsilon', interpolation_type: 'linear', use_karras_sigmas: false, use_exponential_sigmas: false, use_beta_sigmas: false,
    sigma_min: null, sigma_max: null, timestep_spacing: 'linspace', timestep_type: 'discrete', steps_offset: 0, rescale_betas_zero_snr: false, final_sigmas_type: 'zero',
  });
});

test('EulerAncestralScheduler writes the keys of its diffusers class only', () => {
  const config = new EulerAncestralScheduler({ predictionType: 'angular_velocity' }).toDiffusersConfig();
  expect(Object.keys(config).sort()).toEqual(['_class_name', ...ANCESTRAL_KEYS].sort());
  expect(config).toMatchObject({ _class_name: 'EulerAncestralDiscreteScheduler', prediction_type: 'v_prediction', timestep_spacing: 'linspace' });
});

test.each([
  ['karras with bounds', { sigmaSchedule: 'karras', sigmaMin: 0.03, sigmaMax: 14.6 }, { use_karras_sigmas: true, use_exponential_sigmas: false, use_beta_sigmas: false, sigma_min: 0.03, sigma_max: 14.6 }],
  ['beta, log-linear, continuous v', { sigmaSchedule: 'beta', interpolationType: 'log_linear', timestepType: 'continuous', predictionType: 'angular_velocity' }, { use_beta_sigmas: true, interpolation_type: 'log_linear', timestep_type: 'continuous' }],
  ['churn', { sChurn: 1, sTmin: 0.2, sTmax: 80, sNoise: 1.003, finalSigmasType: 'sigma_min' }, { final_sigmas_type: 'sigma_min', _tfjs_diffusion_schedulers: { sChurn: 1, sTmin: 0.2, sTmax: 80, sNoise: 1.003 } }],
] as const)('%s round-trips through the config (object and text) and loadScheduler', (_, options, expected) => {
  const scheduler = new EulerScheduler(options);
  const config = scheduler.toDiffusersConfig();
  expect(config).toMatchObject(expected);
  expect(EulerScheduler.fromDiffusersConfig(config).options).toEqual(scheduler.options);
  expect(EulerScheduler.fromDiffusersConfig(JSON.stringify(config)).options).toEqual(scheduler.options);
  expect(loadScheduler(config).options).toEqual(scheduler.options);
});

test('no sigma boolean set keeps the default schedule; one false keeps it too; overrides go on top', () => {
  expect(EulerScheduler.fromDiffusersConfig({}).options.sigmaSchedule).toBe('default');
  expect(EulerScheduler.fromDiffusersConfig({ use_karras_sigmas: false }).options.sigmaSchedule).toBe('default');
  expect(EulerScheduler.fromDiffusersConfig({ use_exponential_sigmas: true }).options.sigmaSchedule).toBe('exponential');
  expect(EulerScheduler.fromDiffusersConfig({ use_karras_sigmas: true }, { sigmaSchedule: 'beta', sChurn: 2 }).options).toMatchObject({ sigmaSchedule: 'beta', sChurn: 2 });
  expect(EulerAncestralScheduler.fromDiffusersConfig({ use_karras_sigmas: true, beta_schedule: 'scaled_linear' }).options.betaSchedule).toBe('quadratic');
});
