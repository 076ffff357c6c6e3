/**
 * Issue 14: on a smooth schedule (Karras sigmas), Euler is a first-order and DPM-Solver++ 2M a
 * second-order solver of the probability-flow ODE, measured exactly on the Gaussian problem
 * (bench/accuracy) at the last nonzero noise level, with the registry's 'euler' and
 * 'dpm-solver' classes.
 */
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { budgetRuns } from '../bench/accuracy/budgets';
import { gaussianErrors } from '../bench/accuracy/gaussian_errors';
import { measuredOrder } from '../bench/accuracy/orders';
import { gaussianProblem } from '../bench/accuracy/problems';
import { schedulerOf, variantById } from '../bench/accuracy/variants';

/** Budgets in the asymptotic range, few enough for a test of seconds. */
const BUDGETS = [25, 30, 40, 50, 60];

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function orderOf(variantId: string): number {
  const variant = variantById(variantId);
  const scheduler = schedulerOf(variant);
  if (scheduler === null) throw new Error(`the registry has no '${variant.scheduler}' class yet: ${variantId} cannot run`);
  const { runs, refused } = budgetRuns(scheduler, BUDGETS);
  expect(refused).toEqual([]);
  const errors = gaussianErrors(gaussianProblem(), scheduler, runs, 'float64');
  expect(errors.map((point) => point.lastNonzeroSigma)).toEqual(errors.map(() => expect.any(Number)));
  const order = measuredOrder(errors.map((point) => ({ calls: point.calls, error: point.lastNonzero })), 0);
  expect(order).not.toBeNull();
  return order!;
}

test("Euler ('euler', Karras sigmas) is first order within 0.2", () => {
  expect(Math.abs(orderOf('euler-karras') - 1)).toBeLessThan(0.2);
});

// Skipped until DpmSolverMultistepScheduler ('dpm-solver') lands on main; on the multistep
// branch it measures 2.08. Remove the skip when the class is in the registry.
test("DPM-Solver++ 2M ('dpm-solver', Karras sigmas) is second order within 0.2", () => {
  expect(Math.abs(orderOf('dpm-2m-karras') - 2)).toBeLessThan(0.2);
});
