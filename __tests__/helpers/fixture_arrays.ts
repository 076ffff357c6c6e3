/**
 * The arrays of fixtures/diffusers/*.json (written by fixtures/diffusers/harness.py): base64 of
 * little-endian float32 bytes, row-major. No Node built-ins (atob and DataView only), so the
 * Chromium test page can bundle it.
 */

/** A noise draw a step used: recorded values, or a draw of the file's injected_noise table. */
export type NoiseEntry = { step: number; values: string } | { step: number; draw: number };

/** One run of a diffusers scheduler on diffusers' test harness (fixtures/diffusers/README.md). */
export interface DiffusersCase {
  name: string;
  class: string;
  /** scheduler.config as diffusers holds it after construction (-inf as "-Infinity"). */
  config: Record<string, unknown>;
  /** What the script passed to the constructor (the test file's base config and the case's keys). */
  config_kwargs: Record<string, unknown>;
  loop: 'pipeline' | 'diffusers_test_scaled' | 'with_noise';
  inner_loop: 'pipeline' | 'diffusers_test_scaled' | null;
  t_start: number | null;
  num_inference_steps: number | null;
  set_timesteps_kwargs: Record<string, unknown>;
  step_kwargs: Record<string, unknown>;
  generator: 'injected' | 'torch.manual_seed(0)' | null;
  timesteps: number[];
  timesteps_dtype: string;
  sigmas: number[] | null;
  init_noise_sigma: number;
  shape: number[];
  noise: NoiseEntry[] | null;
  first_sample: string;
  final_sample: string;
  final_denoised: string | null;
  final_denoised_source: string | null;
  final_pred_noised_sample?: string;
  abs_sum: number;
  abs_mean: number;
  note?: string;
}

/** A public number of diffusers' tests that one case reproduces (copied from family.json). */
export interface PublicEntry {
  case: string;
  test: string;
  test_class?: string;
  source: string;
  abs_sum?: number | null;
  abs_sum_tolerance?: number | null;
  abs_mean?: number | null;
  abs_mean_tolerance?: number | null;
  /** A public sigma schedule instead of sums (test_flow_and_karras_sigmas_values). */
  sigmas?: number[];
  sigmas_rtol?: number;
  sigmas_atol?: number;
  timesteps?: number[];
}

/** One fixtures/diffusers/<family>.json. */
export interface DiffusersFixture {
  source: string;
  harness: Record<string, string>;
  injected_noise: { draw: number; shape: number[]; values: string }[];
  public: PublicEntry[];
  cases: DiffusersCase[];
  rejected: { name: string; class: string; config_kwargs: Record<string, unknown>; run: Record<string, unknown>; error: string }[];
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The float32 values of a base64 string of little-endian float32 bytes. */
export function f32(base64: string): Float32Array {
  if (typeof base64 !== 'string' || !BASE64.test(base64)) {
    throw new TypeError(`f32: base64 must be a padded base64 string, got ${String(base64).slice(0, 40)}`);
  }
  const binary = atob(base64);
  if (binary.length % 4 !== 0) {
    throw new RangeError(`f32: base64 must hold a whole number of float32 values (4 bytes each), got ${binary.length} bytes`);
  }
  const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
  const view = new DataView(bytes.buffer);
  const values = new Float32Array(bytes.length / 4);
  for (let i = 0; i < values.length; i++) values[i] = view.getFloat32(4 * i, true);
  return values;
}

/** The noise of each step that drew one, in draw order, with the injected draws looked up. */
export function caseNoise(fixture: Pick<DiffusersFixture, 'injected_noise'>, testCase: Pick<DiffusersCase, 'name' | 'noise' | 'shape'>): { step: number; values: Float32Array }[] {
  return (testCase.noise ?? []).map((entry) => {
    if ('values' in entry) return { step: entry.step, values: f32(entry.values) };
    const draw = fixture.injected_noise.find((d) => d.draw === entry.draw && d.shape.join() === testCase.shape.join());
    if (draw === undefined) throw new RangeError(`caseNoise: case ${testCase.name} names injected draw ${entry.draw} of shape [${testCase.shape}], which the fixture lacks`);
    return { step: entry.step, values: f32(draw.values) };
  });
}
