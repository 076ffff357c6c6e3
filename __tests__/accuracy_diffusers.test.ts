/**
 * Issue 14: our error at each budget equals the error of diffusers' own scheduler on the same
 * problem within 3%: the Gaussian problem of bench/accuracy, diffusers' schedulers run with torch
 * by fixtures/accuracy/diffusers_gaussian.py. Ours: the float64 host plans of the same
 * configuration (toDiffusersConfig gives the fixture's keys). A variant whose class is not in
 * the registry yet is a todo.
 */
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { budgetRuns } from '../bench/accuracy/budgets';
import { gaussianErrors } from '../bench/accuracy/gaussian_errors';
import { gaussianProblem } from '../bench/accuracy/problems';
import { schedulerOf, variantById } from '../bench/accuracy/variants';
import { gaussianFixture } from './helpers/accuracy_fixture';

const fixture = gaussianFixture();

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Python's spelling of infinities in the fixture's configs. */
const fromPython = (value: unknown) => (value === '-Infinity' ? -Infinity : value === 'Infinity' ? Infinity : value);

for (const expected of fixture.variants) {
  const variant = variantById(expected.id);
  const scheduler = schedulerOf(variant);
  if (scheduler === null) {
    test.todo(`${expected.id}: within 3% of diffusers' ${expected.class} (class '${variant.scheduler}' not built yet)`);
    continue;
  }
  test(`${expected.id}: the error at each budget is within 3% of diffusers' ${expected.class}`, () => {
    const config = scheduler.toDiffusersConfig();
    expect(config._class_name).toBe(expected.class);
    for (const [key, value] of Object.entries(expected.config_kwargs)) expect([key, config[key]]).toEqual([key, fromPython(value)]);
    const { runs } = budgetRuns(scheduler, fixture.step_grid);
    const ours = gaussianErrors(gaussianProblem(), scheduler, runs, 'float64');
    let compared = 0;
    for (const point of expected.points) {
      const mine = ours.find((candidate) => candidate.numSteps === point.num_steps);
      // Our Euler refuses Karras sigmas over one step (sigmaMin = sigmaMax); diffusers runs it.
      if (mine === undefined) continue;
      expect(mine.calls).toBe(point.calls);
      const pairs: [string, number | null, number | null][] = [
        ['end', mine.end, point.end],
        ['last nonzero', mine.lastNonzero, point.last_nonzero],
      ];
      for (const [measure, ourError, theirError] of pairs) {
        // diffusers' UniPC bh1 returns NaN from its step to a zero sigma (null in the fixture).
        if (theirError === null && measure === 'end' && expected.id.startsWith('unipc-bh1')) continue;
        expect([point.num_steps, measure, ourError === null]).toEqual([point.num_steps, measure, theirError === null]);
        if (ourError === null) continue;
        expect(Math.abs(ourError - theirError!)).toBeLessThanOrEqual(0.03 * theirError!);
        compared++;
      }
    }
    expect(compared).toBeGreaterThanOrEqual(15);
  });
}
