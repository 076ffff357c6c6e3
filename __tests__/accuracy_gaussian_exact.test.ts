/**
 * The accuracy benchmark's exact answers (bench/accuracy): the closed-form probability-flow
 * endpoint of the Gaussian problem is reached by an independent classic RK4 integration of the
 * ODE in float64 (2,000 steps); the host evaluation of the plans in float64 is the real step's
 * mathematics (it matches the float32 step on cpu to float32 precision).
 */
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { budgetRuns } from '../bench/accuracy/budgets';
import { gaussianFlow } from '../bench/accuracy/gaussian_exact';
import { gaussianErrors, gaussianStart, GAUSSIAN_QUANTILES } from '../bench/accuracy/gaussian_errors';
import { gaussianProblem } from '../bench/accuracy/problems';
import { solveFlow } from '../bench/accuracy/reference_ode';
import { schedulerOf, variantById } from '../bench/accuracy/variants';
import { DdimScheduler } from '../src';
import { gaussianFixture } from './helpers/accuracy_fixture';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const vp = (alphaBar: number) => ({ alpha: Math.sqrt(alphaBar), sigma: Math.sqrt(1 - alphaBar) });

test('the closed-form Gaussian endpoint is where RK4 (2,000 steps, float64) takes the probability-flow ODE, within 1e-8', () => {
  const problem = gaussianProblem();
  const alphaBars = new DdimScheduler({ betaSchedule: 'quadratic', betaStart: 0.00085, betaEnd: 0.012 }).alphaBars;
  const checks = [
    // Stable Diffusion's whole range: t = 999 to noise 0 and to t = 0.
    { from: vp(alphaBars[999]), to: [{ alpha: 1, sigma: 0 }, vp(alphaBars[0])] },
    // The rectified flow, sigma 1 (pure noise) excluded: from sigma 0.999 to 0 and to 0.3.
    { from: { alpha: 0.001, sigma: 0.999 }, to: [{ alpha: 1, sigma: 0 }, { alpha: 0.7, sigma: 0.3 }] },
  ];
  for (const { from, to } of checks) {
    const start = gaussianStart(problem, from);
    const integrated = solveFlow(problem, { points: start, level: from }, to, 2000, 0.05);
    to.forEach((level, i) => {
      const exact = gaussianFlow(problem, start, from, level);
      const gap = Math.max(...exact.map((x, j) => Math.abs(x - integrated[i][j])));
      expect(gap).toBeLessThan(1e-8);
      // Not a trivial agreement: the flow moved the points.
      expect(Math.max(...exact.map((x, j) => Math.abs(x - start[j] * (level.alpha / from.alpha))))).toBeGreaterThan(0.1);
    });
  }
});

test("the Gaussian problem is the fixture's (means, variances, start quantiles)", () => {
  const problem = gaussianProblem();
  const { problem: fixture } = gaussianFixture();
  expect(Array.from(problem.means[0])).toEqual(fixture.means.map((m) => expect.closeTo(m, 15)));
  expect(Array.from(problem.variances)).toEqual(fixture.variances.map((v) => expect.closeTo(v, 15)));
  expect(GAUSSIAN_QUANTILES).toEqual(fixture.quantiles);
});

test("the float64 host plans and DDIM's real float32 step on cpu give the same errors, to float32 precision", () => {
  const scheduler = schedulerOf(variantById('ddim'))!;
  const { runs } = budgetRuns(scheduler, [5, 20]);
  const before = tf.memory().numTensors;
  const float32 = gaussianErrors(gaussianProblem(), scheduler, runs, 'float32');
  expect(tf.memory().numTensors).toBe(before);
  const float64 = gaussianErrors(gaussianProblem(), scheduler, runs, 'float64');
  float64.forEach((point, i) => {
    expect(point.end).toBeGreaterThan(1e-3);
    expect(Math.abs(float32[i].end - point.end)).toBeLessThan(1e-5);
    expect(Math.abs(float32[i].lastNonzero! - point.lastNonzero!)).toBeLessThan(1e-5);
  });
});
