/**
 * A DPM-Solver run as plans: the order diffusers takes at each step, and each step's update as
 * one combination (coefficients.ts) over the sample, the model output, the history the run
 * keeps and, for the SDE variants, a noise draw.
 */
import { weightedSum, type Value } from '../../kernels/combination';
import { keepForNext, DENOISED } from '../multistep/history';
import { levelOf, type ForwardProcess, type Level } from '../multistep/levels';
import type { RunSigmas } from '../multistep/run_sigmas';
import { convertedSources, convertedValues, difference, type ConversionOptions } from '../multistep/step_values';
import { NOISE, SAMPLE, type StepPlan } from '../plan';
import { dpmSolverUpdate, integratesData, type DpmUpdate } from './coefficients';
import type { ResolvedDpmSolverOptions } from './options';

/**
 * The order of every step from `start` on, as diffusers' `step` decides it: the run warms up
 * (one more earlier output known per step, from `start`: the history starts there), the last
 * step is first order with eulerAtFinal, with lowerOrderFinal below 15 steps, or when it ends at
 * sigma 0, and (order 3) the one before it second order with lowerOrderFinal below 15 steps.
 */
export function dpmSolverOrders(options: ResolvedDpmSolverOptions, numSteps: number, start: number, finalSigma: number): Array<1 | 2 | 3> {
  const { solverOrder, lowerOrderFinal, eulerAtFinal } = options;
  const short = lowerOrderFinal && numSteps < 15;
  const orders: Array<1 | 2 | 3> = [];
  let known = 0; // diffusers' lower_order_nums
  for (let i = start; i < numSteps; i++) {
    const firstOrderLast = i === numSteps - 1 && (eulerAtFinal || short || finalSigma === 0);
    const secondOrderBeforeLast = i === numSteps - 2 && short;
    if (solverOrder === 1 || known < 1 || firstOrderLast) orders.push(1);
    else if (solverOrder === 2 || known < 2 || secondOrderBeforeLast) orders.push(2);
    else orders.push(3);
    known = Math.min(known + 1, solverOrder);
  }
  return orders;
}

/** The update's values over m0, m1, m2 (the converted outputs) ending in `prev`. */
function updateValues(update: DpmUpdate, order: number, m: readonly string[], drawsNoise: boolean): Value[] {
  const noise: Array<readonly [string, number]> = drawsNoise ? [[NOISE, update.noise]] : [];
  const head: Array<readonly [string, number]> = [
    [SAMPLE, update.sample],
    [m[0], update.d0],
  ];
  if (order === 1 || (update.d1 === 0 && update.d2 === 0)) return [weightedSum('prev', [...head, ...noise])];
  if (order === 2) {
    return [difference('m0MinusM1', m[0], m[1]), weightedSum('D1', [['m0MinusM1', update.inverseR0]]), weightedSum('prev', [...head, ['D1', update.d1], ...noise])];
  }
  return [
    difference('m0MinusM1', m[0], m[1]),
    difference('m1MinusM2', m[1], m[2]),
    weightedSum('D1_0', [['m0MinusM1', update.inverseR0]]),
    weightedSum('D1_1', [['m1MinusM2', update.inverseR1]]),
    difference('D1_0MinusD1_1', 'D1_0', 'D1_1'),
    weightedSum('D1', [
      ['D1_0', 1],
      ['D1_0MinusD1_1', update.r0Share],
    ]),
    weightedSum('D2', [['D1_0MinusD1_1', update.inverseRSum]]),
    weightedSum('prev', [...head, ['D1', update.d1], ['D2', update.d2], ...noise]),
  ];
}

/** One plan per step from `start` on. */
export function dpmSolverPlans(options: ResolvedDpmSolverOptions, run: RunSigmas, process: ForwardProcess, start: number): StepPlan[] {
  const numSteps = run.timesteps.length;
  const levels: Level[] = Array.from(run.sigmas, (sigma) => levelOf(process, sigma));
  const orders = dpmSolverOrders(options, numSteps, start, run.sigmas[numSteps]);
  const conversion: ConversionOptions = { ...options, integrand: integratesData(options.algorithmType) ? 'data' : 'noise' };
  const sources = convertedSources(conversion, levels[0]);
  const drawsNoise = options.algorithmType.startsWith('sde-');
  return orders.map((order, k) => {
    const i = start + k;
    const earlier = levels.slice(i - order + 1, i + 1).reverse(); // this step's level, then the steps before
    const converted = convertedValues(conversion, earlier);
    const update = dpmSolverUpdate(options.algorithmType, options.solverType, order, levels[i + 1], earlier);
    const next = orders[k + 1];
    return {
      timestep: run.timesteps[i],
      modelInputLevel: { alpha: levels[i].alpha, sigma: levels[i].sigma },
      combination: { values: [...converted.values, ...updateValues(update, order, converted.m, drawsNoise)], outputs: ['prev', DENOISED] },
      sample: 'prev',
      denoised: DENOISED,
      drawsNoise,
      threshold: converted.threshold,
      keep: keepForNext(next === undefined ? 0 : next - 1, sources),
    };
  });
}
