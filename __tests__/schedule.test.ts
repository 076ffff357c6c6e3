// Host-side schedule numbers: float64 math, one rounding to float32, no tfjs.
import { alphaBarsFromBetas } from '../src/schedule/alpha_bars';
import { betaSchedule, linspace, MAX_SQUARED_COSINE_BETA } from '../src/schedule/betas';
import { leadingTimesteps } from '../src/schedule/timesteps';

describe('linspace', () => {
  test('exact endpoints and even spacing', () => {
    const values = linspace(0.0001, 0.02, 1000);
    expect(values[0]).toBe(0.0001);
    expect(values[999]).toBe(0.02);
    for (let i = 1; i < 1000; i++) expect(values[i] - values[i - 1]).toBeCloseTo(0.0199 / 999, 15);
  });
  test('one value is the start', () => expect(Array.from(linspace(3, 5, 1))).toEqual([3]));
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
    expect(betas[0]).toBe(Math.fround(0.00085));
    expect(betas[999]).toBe(Math.fround(0.012));
    const mid = (Math.sqrt(0.00085) + ((Math.sqrt(0.012) - Math.sqrt(0.00085)) * 500) / 999) ** 2;
    expect(betas[500]).toBe(Math.fround(mid));
  });

  test('squared_cosine: 1 - abar((i+1)/T) / abar(i/T), capped at 0.999', () => {
    const betas = betaSchedule('squared_cosine', 1000, 0.0001, 0.02);
    const abar = (t: number) => Math.cos(((t + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
    expect(betas[0]).toBe(Math.fround(1 - abar(0.001) / abar(0)));
    expect(betas[999]).toBe(Math.fround(MAX_SQUARED_COSINE_BETA));
    expect(Math.max(...betas)).toBe(Math.fround(0.999));
  });
});

test('alpha-bars: the float64 running product of 1 - beta, each rounded to float32', () => {
  const betas = betaSchedule('linear', 1000, 0.0001, 0.02);
  const alphaBars = alphaBarsFromBetas(betas);
  let product = 1;
  for (let t = 0; t < 1000; t++) {
    product *= 1 - betas[t];
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
