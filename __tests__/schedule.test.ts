// Host-side schedule numbers, rounded to float32 where diffusers' torch code rounds, no tfjs.
import { alphaBarsFromBetas } from '../src/schedule/alpha_bars';
import { betaSchedule, linspace, MAX_SQUARED_COSINE_BETA } from '../src/schedule/betas';
import { arangeValues, linspaceValues, roundHalfToEven } from '../src/schedule/numpy';
import { inversionSourceTimesteps, previousTimesteps } from '../src/schedule/previous_timesteps';
import { inferenceTimesteps, leadingTimesteps, linspaceTimesteps, trailingTimesteps } from '../src/schedule/timesteps';
import { rescaleZeroTerminalSnr } from '../src/schedule/zero_snr';
import timestepReference from '../fixtures/diffusers_timesteps.json';
import torchSchedule from '../fixtures/torch_training_schedule.json';
import { fusedMultiplyAddFloat32 } from '../src/schedule/float32';

describe('linspace (torch.linspace in float32)', () => {
  test('float32 endpoints and even spacing', () => {
    const values = linspace(0.0001, 0.02, 1000);
    expect(values).toBeInstanceOf(Float32Array);
    expect(values[0]).toBe(Math.fround(0.0001));
    expect(values[999]).toBe(Math.fround(0.02));
    // float32 steps of ~2e-5 between values of ~0.01 (ulp ~1e-9)
    for (let i = 1; i < 1000; i++) expect(Math.abs(values[i] - values[i - 1] - 0.0199 / 999)).toBeLessThan(4e-9);
  });
  test('one value is the start', () => expect(Array.from(linspace(3, 5, 1))).toEqual([3]));
});

describe("the training schedule is torch's, to the float32 bit (fixtures/torch_training_schedule.json)", () => {
  const bitsOf = (values: Float32Array) => Array.from(new Int32Array(values.buffer));
  test.each(torchSchedule.cases.map((c) => [`${c.schedule} T=${c.T} ${c.beta_start}..${c.beta_end}`, c] as const))('%s: betas and alpha-bars', (_, c) => {
    const betas = betaSchedule(c.schedule === 'linear' ? 'linear' : 'quadratic', c.T, c.beta_start, c.beta_end);
    expect(bitsOf(betas)).toEqual(c.betas_bits);
    expect(bitsOf(alphaBarsFromBetas(betas))).toEqual(c.alpha_bars_bits);
  });
});

describe('fusedMultiplyAddFloat32', () => {
  test('rounds a * b + c once: a tie of the float64 sum goes the way of its exact remainder', () => {
    const f = Math.fround;
    // 1 + 2^-24 is halfway between float32 1 and 1 + 2^-23; the exact sum is a little above it.
    expect(fusedMultiplyAddFloat32(f(2 ** -24), f(1 + 2 ** -23), 1)).toBe(f(1 + 2 ** -23));
    // ... and a little below it.
    expect(fusedMultiplyAddFloat32(f(2 ** -24), f(1 - 2 ** -24), 1)).toBe(1);
    // an exact tie rounds to even
    expect(fusedMultiplyAddFloat32(f(2 ** -24), 1, 1)).toBe(1);
    expect(fusedMultiplyAddFloat32(3, 5, 7)).toBe(22);
  });
});

describe('betaSchedule', () => {
  test('linear: float32 endpoints, increasing', () => {
    const betas = betaSchedule('linear', 1000, 0.0001, 0.02);
    expect(betas).toBeInstanceOf(Float32Array);
    expect(betas[0]).toBe(Math.fround(0.0001));
    expect(betas[999]).toBe(Math.fround(0.02));
    for (let i = 1; i < 1000; i++) expect(betas[i]).toBeGreaterThan(betas[i - 1]);
  });

  test('quadratic: evenly spaced square roots, squared', () => {
    const betas = betaSchedule('quadratic', 1000, 0.00085, 0.012);
    // the float32 square roots, squared in float32
    expect(betas[0]).toBe(Math.fround(Math.fround(Math.sqrt(0.00085)) ** 2));
    expect(betas[999]).toBe(Math.fround(Math.fround(Math.sqrt(0.012)) ** 2));
    const mid = (Math.sqrt(0.00085) + ((Math.sqrt(0.012) - Math.sqrt(0.00085)) * 500) / 999) ** 2;
    expect(Math.abs(betas[500] - mid)).toBeLessThan(1e-6 * mid);
  });

  test('squared_cosine: 1 - abar((i+1)/T) / abar(i/T), capped at 0.999', () => {
    const betas = betaSchedule('squared_cosine', 1000, 0.0001, 0.02);
    const abar = (t: number) => Math.cos(((t + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
    expect(betas[0]).toBe(Math.fround(1 - abar(0.001) / abar(0)));
    expect(betas[999]).toBe(Math.fround(MAX_SQUARED_COSINE_BETA));
    expect(Math.max(...betas)).toBe(Math.fround(0.999));
  });
});

test('alpha-bars: the float64 running product of the float32 1 - beta, each rounded to float32', () => {
  const betas = betaSchedule('linear', 1000, 0.0001, 0.02);
  const alphaBars = alphaBarsFromBetas(betas);
  let product = 1;
  for (let t = 0; t < 1000; t++) {
    product *= Math.fround(1 - betas[t]);
    expect(alphaBars[t]).toBe(Math.fround(product));
    if (t > 0) expect(alphaBars[t]).toBeLessThan(alphaBars[t - 1]);
  }
  expect(alphaBars[999]).toBeCloseTo(4.035e-5, 7);
});

describe('leadingTimesteps', () => {
  test.each([
    [1000, 10, 0, [900, 800, 700, 600, 500, 400, 300, 200, 100, 0]],
    [1000, 5, 1, [801, 601, 401, 201, 1]],
    [1000, 7, 0, [852, 710, 568, 426, 284, 142, 0]],
    [1000, 1, 0, [0]],
    [10, 10, 0, [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]],
  ])('T = %d, %d steps, offset %d', (numTrainSteps, numSteps, offset, expected) => {
    const timesteps = leadingTimesteps(numTrainSteps, numSteps, offset);
    expect(timesteps).toBeInstanceOf(Int32Array);
    expect(Array.from(timesteps)).toEqual(expected);
  });
});

describe('numpy rounding and spacing', () => {
  test.each([
    [0.5, 0],
    [1.5, 2],
    [2.5, 2],
    [832.5, 832],
    [166.5, 166],
    [937.5, 938],
    [-0.5, 0],
    [-1.5, -2],
    [2.4999999999999996, 2],
    [7, 7],
  ])('roundHalfToEven(%d) = %d (np.round, not Math.round)', (value, expected) => {
    expect(roundHalfToEven(value) + 0).toBe(expected);
  });

  test('arange fills start + i * ((start + step) - start), as numpy', () => {
    const step = -1000 / 61;
    const values = arangeValues(1000, step, 61);
    const delta = 1000 + step - 1000;
    expect(values[0]).toBe(1000);
    expect(values[1]).toBe(1000 + step);
    expect(values[60]).toBe(1000 + 60 * delta);
  });

  test('linspace is i * step + start with the last value set to stop, as numpy', () => {
    expect(Array.from(linspaceValues(0, 999, 7))).toEqual([0, 166.5, 333, 499.5, 666, 832.5, 999]);
    expect(Array.from(linspaceValues(0, 999, 1))).toEqual([0]);
  });
});

describe('timestep spacings against diffusers (fixtures/diffusers_timesteps.json, numpy)', () => {
  test('the examples of the issue', () => {
    expect(Array.from(linspaceTimesteps(1000, 7))).toEqual([999, 832, 666, 500, 333, 166, 0]);
    expect(Array.from(trailingTimesteps(1000, 16))).toEqual([999, 937, 874, 811, 749, 687, 624, 561, 499, 437, 374, 311, 249, 187, 124, 61]);
  });

  test.each(timestepReference.cases.map((c) => [c.T, c.n, c] as const))('T = %d, %d steps: linspace, trailing, and inverse trailing', (T, n, expected) => {
    expect(Array.from(linspaceTimesteps(T, n))).toEqual(expected.linspace);
    expect(Array.from(inferenceTimesteps('linspace', T, n, 5))).toEqual(expected.linspace); // steps_offset ignored, as diffusers
    // diffusers' trailing has one value too many for some n; ours are its first n, and its last n reversed for inversion
    const trailing = Array.from(trailingTimesteps(T, n));
    expect(trailing).toEqual(expected.trailing.slice(0, n));
    expect(trailing.reverse()).toEqual(expected.inverse_trailing.slice(-n));
    expect(Array.from(inferenceTimesteps('trailing', T, n, 5))).toEqual(expected.trailing.slice(0, n));
  });

  test('diffusers yields n + 1 trailing timesteps, the last -1, for n = 61, 103, ... of T = 1000; we yield n, all in range', () => {
    const tooMany = timestepReference.trailing_one_too_many['1000'];
    expect(tooMany.slice(0, 2)).toEqual([61, 103]);
    const withExtra = timestepReference.cases.find((c) => c.T === 1000 && c.n === 61)!;
    expect(withExtra.trailing.length).toBe(62);
    expect(withExtra.trailing[61]).toBe(-1);
    const wrong: string[] = [];
    for (const T of [1000, 1024, 4000]) {
      for (let n = 1; n <= T; n += T === 1000 ? 1 : 7) {
        const timesteps = trailingTimesteps(T, n);
        const descending = timesteps.every((t, i) => i === 0 || t < timesteps[i - 1]);
        if (timesteps.length !== n || timesteps[0] !== T - 1 || timesteps[n - 1] < 0 || !descending) wrong.push(`T = ${T}, n = ${n}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  test('inferenceTimesteps: leading takes the offset', () => {
    expect(Array.from(inferenceTimesteps('leading', 1000, 5, 1))).toEqual([801, 601, 401, 201, 1]);
  });
});

describe('previous timesteps', () => {
  const linspace7 = Int32Array.from([999, 832, 666, 500, 333, 166, 0]);

  test("'schedule' steps to the next timestep of the run, the last past 0", () => {
    expect(Array.from(previousTimesteps(linspace7, 'schedule', 1000))).toEqual([832, 666, 500, 333, 166, 0, -1]);
  });

  test("'fixed_stride' steps by floor(T / n), as diffusers", () => {
    expect(Array.from(previousTimesteps(linspace7, 'fixed_stride', 1000))).toEqual([857, 690, 524, 358, 191, 24, -142]);
  });

  test('they agree for leading spacing while the offset is below the gap', () => {
    for (const n of [1, 3, 7, 10, 50, 500]) {
      const leading = leadingTimesteps(1000, n, 1);
      expect(Array.from(previousTimesteps(leading, 'fixed_stride', 1000)).map((t) => Math.max(t, -1))).toEqual(Array.from(previousTimesteps(leading, 'schedule', 1000)));
    }
  });

  test('with an offset >= the gap, fixed_stride ends on t = 0, schedule past it', () => {
    const leading = leadingTimesteps(1000, 999, 1); // gap 1: 999 .. 1
    expect(previousTimesteps(leading, 'fixed_stride', 1000)[998]).toBe(0);
    expect(previousTimesteps(leading, 'schedule', 1000)[998]).toBe(-1);
  });

  test('inversion starts each step where the previous one ended; the first before t = 0', () => {
    const ascending = Int32Array.from([61, 124, 187, 249]);
    expect(Array.from(inversionSourceTimesteps(ascending, 'schedule', 1000))).toEqual([-1, 61, 124, 187]);
    expect(Array.from(inversionSourceTimesteps(ascending, 'fixed_stride', 1000))).toEqual([-189, -126, -63, -1]);
  });
});

describe('rescaleZeroTerminalSnr (arXiv 2305.08891, Algorithm 1)', () => {
  const betas = betaSchedule('quadratic', 1000, 0.00085, 0.012);
  const original = alphaBarsFromBetas(betas);
  const rescaledBetas = rescaleZeroTerminalSnr(betas);
  const rescaled = alphaBarsFromBetas(rescaledBetas);

  test('the last alpha-bar is exactly 0 and the last beta 1; the first alpha-bar is kept', () => {
    expect(rescaledBetas).toBeInstanceOf(Float32Array);
    expect(rescaledBetas[999]).toBe(1);
    expect(rescaled[999]).toBe(0);
    expect(Math.abs(rescaled[0] - original[0])).toBeLessThanOrEqual(2 ** -24);
  });

  test('sqrt(alpha-bar) is shifted and scaled: sqrt(new) / (sqrt(old) - sqrt(old_T)) is one constant', () => {
    const last = Math.sqrt(original[999]);
    const scale = Math.sqrt(original[0]) / (Math.sqrt(original[0]) - last);
    for (let t = 0; t < 999; t += 37) {
      expect(Math.sqrt(rescaled[t]) / (Math.sqrt(original[t]) - last)).toBeCloseTo(scale, 4);
    }
  });

  test('where float32 alpha-bar underflows to 0 before the end, the betas are 1 (diffusers: 0 / 0 = NaN)', () => {
    const steep = betaSchedule('linear', 1000, 0.1, 0.9);
    expect(alphaBarsFromBetas(steep)[900]).toBe(0);
    const zeroSnr = rescaleZeroTerminalSnr(steep);
    expect(zeroSnr.every((beta) => beta >= 0 && beta <= 1)).toBe(true);
    expect(zeroSnr[999]).toBe(1);
    expect(alphaBarsFromBetas(zeroSnr)[999]).toBe(0);
  });

  test('every beta stays in [0, 1] and alpha-bar decreases', () => {
    for (let t = 0; t < 1000; t++) {
      expect(rescaledBetas[t]).toBeGreaterThan(0);
      expect(rescaledBetas[t]).toBeLessThanOrEqual(1);
      if (t > 0) expect(rescaled[t]).toBeLessThan(rescaled[t - 1]);
    }
  });
});
