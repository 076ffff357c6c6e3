// The fixtures of fixtures/diffusers/ themselves (made by running diffusers' schedulers with
// torch): every array decodes to its declared shape, the recorded sums are those of the arrays,
// and the cases that correspond to a public number of diffusers' tests reproduce it within the
// test's own tolerance. The schedulers' specs then compare against these arrays.
import betaPpf from '../fixtures/diffusers/beta_ppf.json';
import dpmSolver from '../fixtures/diffusers/dpm_solver.json';
import euler from '../fixtures/diffusers/euler.json';
import eulerAncestral from '../fixtures/diffusers/euler_ancestral.json';
import flowMatchEuler from '../fixtures/diffusers/flow_match_euler.json';
import lcm from '../fixtures/diffusers/lcm.json';
import pndm from '../fixtures/diffusers/pndm.json';
import tcd from '../fixtures/diffusers/tcd.json';
import unipc from '../fixtures/diffusers/unipc.json';
import { caseNoise, f32, type DiffusersCase, type DiffusersFixture } from './helpers/fixture_arrays';

const FIXTURES: [string, DiffusersFixture][] = [
  ['pndm', pndm as unknown as DiffusersFixture],
  ['lcm', lcm as unknown as DiffusersFixture],
  ['tcd', tcd as unknown as DiffusersFixture],
  ['euler', euler as unknown as DiffusersFixture],
  ['euler_ancestral', eulerAncestral as unknown as DiffusersFixture],
  ['dpm_solver', dpmSolver as unknown as DiffusersFixture],
  ['unipc', unipc as unknown as DiffusersFixture],
  ['flow_match_euler', flowMatchEuler as unknown as DiffusersFixture],
];

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
/** sum(|x|) and mean(|x|) in float64 (diffusers sums in float32: they agree to ~1e-6 relative). */
function absSumMean(values: Float32Array): [number, number] {
  let sum = 0;
  for (const v of values) sum += Math.abs(v);
  return [sum, sum / values.length];
}
const byName = (fixture: DiffusersFixture, name: string) => fixture.cases.find((c) => c.name === name);

describe('f32', () => {
  test('decodes little-endian float32 bytes', () => {
    // 1.0 = 00 00 80 3f, -2.5 = 00 00 20 c0, 2^-149 (the least subnormal) = 01 00 00 00
    expect(Array.from(f32('AACAPwAAIMABAAAA'))).toEqual([1, -2.5, 2 ** -149]);
    expect(f32('')).toEqual(new Float32Array(0));
  });

  test('rejects what is not whole float32 values in base64', () => {
    expect(() => f32('AACAPw=')).toThrow(TypeError);
    expect(() => f32('AACA*wAA')).toThrow(/f32: base64 must be a padded base64 string, got AACA\*wAA/);
    expect(() => f32('AACA')).toThrow(/whole number of float32 values \(4 bytes each\), got 3 bytes/);
  });
});

describe.each(FIXTURES)('fixtures/diffusers/%s.json', (_, fixture) => {
  test('every case decodes to its declared shape, and its noise to one draw per drawing step', () => {
    const misses: string[] = [];
    for (const c of fixture.cases) {
      const n = size(c.shape);
      const arrays: [string, string | null | undefined][] = [
        ['first_sample', c.first_sample], ['final_sample', c.final_sample], ['final_denoised', c.final_denoised], ['final_pred_noised_sample', c.final_pred_noised_sample],
      ];
      for (const [key, value] of arrays) {
        if (value == null) continue;
        const values = f32(value);
        if (values.length !== n) misses.push(`${c.name}.${key}: ${values.length} values for shape [${c.shape}]`);
        if (!values.every(Number.isFinite)) misses.push(`${c.name}.${key}: not finite`);
      }
      const noise = caseNoise(fixture, c);
      if ((c.generator === null) !== (noise.length === 0)) misses.push(`${c.name}: generator ${c.generator} with ${noise.length} draws`);
      if (noise.some((d) => d.values.length !== n)) misses.push(`${c.name}: a draw is not of shape [${c.shape}]`);
      const steps = noise.map((d) => d.step);
      if (steps.some((s, i) => !Number.isInteger(s) || s < 0 || (i > 0 && s <= steps[i - 1]))) misses.push(`${c.name}: draw steps ${steps}`);
      if (c.generator === 'injected' && c.noise!.some((e, k) => !('draw' in e) || e.draw !== k)) misses.push(`${c.name}: injected draws out of order`);
      if (c.generator === 'torch.manual_seed(0)' && c.noise!.some((e) => !('values' in e))) misses.push(`${c.name}: seeded draws not recorded`);
    }
    expect(misses).toEqual([]);
  });

  test('abs_sum and abs_mean are those of final_sample', () => {
    const misses = fixture.cases.flatMap((c: DiffusersCase) => {
      const [sum, mean] = absSumMean(f32(c.final_sample));
      const close = (a: number, b: number) => Math.abs(a - b) <= 1e-5 * Math.abs(b) + 1e-12;
      return close(sum, c.abs_sum) && close(mean, c.abs_mean) ? [] : [`${c.name}: ${sum}, ${mean} vs ${c.abs_sum}, ${c.abs_mean}`];
    });
    expect(misses).toEqual([]);
  });

  test('names are unique, timesteps and sigmas are recorded', () => {
    expect(new Set(fixture.cases.map((c) => c.name)).size).toBe(fixture.cases.length);
    for (const c of fixture.cases) {
      expect(c.timesteps.length).toBeGreaterThan(0);
      expect(c.timesteps.every(Number.isFinite)).toBe(true);
      // the final sigma is included: one more than the model calls (Euler's log_linear makes two more)
      if (c.sigmas !== null) expect(c.sigmas.length - c.timesteps.length).toBeGreaterThanOrEqual(1);
    }
  });

  test('the cases of public numbers reproduce them within the public tolerance', () => {
    const misses: string[] = [];
    for (const entry of fixture.public) {
      const c = byName(fixture, entry.case);
      if (c === undefined) {
        misses.push(`${entry.test}: no case ${entry.case}`);
        continue;
      }
      if (entry.sigmas !== undefined) {
        // torch.allclose(scheduler.sigmas, expected): |a - e| <= atol + rtol * |e|
        const close = c.sigmas!.length === entry.sigmas.length && entry.sigmas.every((e, i) => Math.abs(c.sigmas![i] - e) <= entry.sigmas_atol! + entry.sigmas_rtol! * Math.abs(e));
        if (!close || c.timesteps.join() !== entry.timesteps!.join()) misses.push(`${entry.test}: sigmas ${c.sigmas}, timesteps ${c.timesteps}`);
        continue;
      }
      const [sum, mean] = absSumMean(f32(c.final_sample));
      if (entry.abs_sum != null && !(Math.abs(sum - entry.abs_sum) < entry.abs_sum_tolerance!)) misses.push(`${entry.test}: abs_sum ${sum} vs ${entry.abs_sum}`);
      if (entry.abs_mean != null && !(Math.abs(mean - entry.abs_mean) < entry.abs_mean_tolerance!)) misses.push(`${entry.test}: abs_mean ${mean} vs ${entry.abs_mean}`);
    }
    expect(misses).toEqual([]);
  });
});

test('every family with public numbers in family.json has them in its fixture', () => {
  // The counts of family.json's tests (the DPM/UniPC sigma-only entries included).
  const counts = Object.fromEntries(FIXTURES.map(([family, fixture]) => [family, fixture.public.length]));
  expect(counts).toEqual({ pndm: 4, lcm: 2, tcd: 2, euler: 5, euler_ancestral: 4, dpm_solver: 7, unipc: 13, flow_match_euler: 0 });
});

describe('fixtures/diffusers/flow_match_euler.json quirks', () => {
  const quirks = flowMatchEuler.quirks.flow_sigma_min_shifted_twice;
  const shift = (s: number, by: number) => (by * s) / (1 + (by - 1) * s);

  test.each(quirks)('shift $shift, $num_inference_steps steps: diffusers ends on shift(shift(1 / 1000)), the model card on shift(1 / 1000)', (quirk) => {
    expect(quirk.init_sigma_min).toBeCloseTo(shift(1 / 1000, quirk.shift), 7);
    expect(quirk.diffusers_last_sigma).toBeCloseTo(shift(shift(1 / 1000, quirk.shift), quirk.shift), 7);
    expect(quirk.once_shifted_last_sigma).toBeCloseTo(shift(1 / 1000, quirk.shift), 7);
    expect(quirk.diffusers_sigmas.at(-2)).toBe(quirk.diffusers_last_sigma);
  });

  test('the quirk is what the SD3 and Z-Image-Turbo cases hold', () => {
    const fixture = flowMatchEuler as unknown as DiffusersFixture;
    expect(byName(fixture, 'z_image_turbo_steps_9')!.sigmas).toEqual(quirks[0].diffusers_sigmas);
    expect(byName(fixture, 'sd3_steps_28')!.sigmas).toEqual(quirks[1].diffusers_sigmas);
  });
});

describe('fixtures/diffusers/beta_ppf.json', () => {
  test.each(betaPpf.grid)('beta.ppf(x, $a, $b) rises from 0 to 1 over the grid', ({ x, ppf }) => {
    expect(x.length).toBe(ppf.length);
    expect(ppf[0]).toBe(0);
    expect(ppf.at(-1)).toBe(1);
    expect(ppf.every((p, i) => i === 0 || p >= ppf[i - 1])).toBe(true);
  });

  test.each(betaPpf.grid.filter(({ a, b }) => a === b))('a = b = $a: symmetric, ppf(1 - x) = 1 - ppf(x)', ({ x, ppf }) => {
    const at = (v: number) => ppf[x.findIndex((u) => Math.abs(u - v) < 1e-15)];
    for (const v of [0.1, 0.25, 0.3]) expect(at(1 - v)).toBeCloseTo(1 - at(v), 12);
  });

  test.each(betaPpf.diffusers_points)('$num_inference_steps steps: the points diffusers evaluates, 1 - linspace(0, 1, n)', ({ num_inference_steps: n, x }) => {
    expect(x.map((v) => Number(v.toFixed(12)))).toEqual(Array.from({ length: n }, (_, i) => Number((1 - i / (n - 1)).toFixed(12))));
  });
});
