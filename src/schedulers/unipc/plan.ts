/**
 * A UniPC run as plans. Step i, given the sample x_i its predictor made and the model output
 * at x_i, (1) converts the output (m0), (2) corrects x_i with UniC (unless the step starts the
 * run or i - 1 is in disableCorrector), (3) predicts x_(i+1) from the corrected sample with
 * UniP, all in one combination: outputs `prev` (x_(i+1)) and `denoised` (x0 at x_i, as diffusers
 * converts it before correcting).
 *
 * diffusers' corrector starts again from the corrected sample of step i - 1 (its `last_sample`):
 *   x_i^c = (sigma_i / sigma_(i-1)) x_(i-1)^c - alpha_i h phi_1 m1 - alpha_i B(h) (sum_k rho_c,k D_k + rho_c,p (m0 - m1)).
 * Its predictor at step i - 1 made x_i from the same x_(i-1)^c with the same first terms:
 *   x_i = (sigma_i / sigma_(i-1)) x_(i-1)^c - alpha_i h phi_1 m1 - alpha_i B(h) sum_k rho_p,k D_k,
 * so x_i^c = x_i + alpha_i B(h) (sum_k (rho_p,k - rho_c,k) D_k - rho_c,p (m0 - m1)): the corrector
 * needs the step's own sample and the converted outputs the run keeps anyway, not the corrected
 * sample of the step before (which would be a third output, a third GPU program per step). The
 * two agree to float32 rounding when the sample handed to a step is the one the step before
 * returned; a sample changed between steps (inpainting) is corrected as given, where diffusers
 * corrects its own copy and drops the change.
 */
import { weightedSum, type Value } from '../../kernels/combination';
import { DENOISED, keepForNext } from '../multistep/history';
import { levelOf, type ForwardProcess, type Level } from '../multistep/levels';
import { firstOrderWeights } from '../multistep/first_order';
import type { RunSigmas } from '../multistep/run_sigmas';
import { convertedSources, convertedValues, difference, type ConversionOptions } from '../multistep/step_values';
import { SAMPLE, type StepPlan } from '../plan';
import { uniPcInterval } from './coefficients';
import type { ResolvedUniPcOptions } from './options';

/** The orders of a run's steps from `start` on: UniP's p at each step, and UniC's (0: no corrector). */
export interface UniPcOrders {
  readonly predictor: number[];
  readonly corrector: number[];
}

/**
 * As diffusers' `step`: the predictor's order is solverOrder (with lowerOrderFinal, at most the
 * steps left), at most one more than the outputs known so far (the history starts at `start`);
 * the corrector at step i has the order of the predictor of step i - 1.
 */
export function uniPcOrders(options: ResolvedUniPcOptions, numSteps: number, start: number): UniPcOrders {
  const { solverOrder, lowerOrderFinal, disableCorrector } = options;
  const predictor: number[] = [];
  const corrector: number[] = [];
  let known = 0; // diffusers' lower_order_nums
  for (let i = start; i < numSteps; i++) {
    const order = lowerOrderFinal ? Math.min(solverOrder, numSteps - i) : solverOrder;
    predictor.push(Math.min(order, known + 1));
    corrector.push(i > start && !disableCorrector.includes(i - 1) ? predictor[i - start - 1] : 0);
    known = Math.min(known + 1, solverOrder);
  }
  return { predictor, corrector };
}

/** The corrector's values over m0, m1, ... ending in `corrected`. */
function correctorValues(interval: ReturnType<typeof uniPcInterval>, m: readonly string[]): Value[] {
  const { scale, bH, rhosP, rhosC, inverseRks } = interval;
  const values: Value[] = [difference('D1_t', m[0], m[1])];
  const terms: Array<readonly [string, number]> = [[SAMPLE, 1]];
  inverseRks.forEach((inverse, j) => {
    values.push(difference(`cDiff${j + 1}`, m[j + 2], m[1]), weightedSum(`cD${j + 1}`, [[`cDiff${j + 1}`, inverse]]));
    terms.push([`cD${j + 1}`, scale * bH * (rhosP[j] - rhosC[j])]);
  });
  terms.push(['D1_t', -scale * bH * rhosC[rhosC.length - 1]]);
  return [...values, weightedSum('corrected', terms)];
}

/** The predictor's values from `base` over m0, m1, ... ending in `prev`. */
function predictorValues(interval: ReturnType<typeof uniPcInterval> | null, first: { sample: number; output: number }, base: string, m: readonly string[]): Value[] {
  const terms: Array<readonly [string, number]> = [
    [base, first.sample],
    [m[0], first.output],
  ];
  const values: Value[] = [];
  interval?.inverseRks.forEach((inverse, j) => {
    values.push(difference(`pDiff${j + 1}`, m[j + 1], m[0]), weightedSum(`pD${j + 1}`, [[`pDiff${j + 1}`, inverse]]));
    terms.push([`pD${j + 1}`, -interval.scale * interval.bH * interval.rhosP[j]]);
  });
  return [...values, weightedSum('prev', terms)];
}

/** One plan per step from `start` on; throws where a step of order 2 or more would end at sigma 0. */
export function uniPcPlans(options: ResolvedUniPcOptions, run: RunSigmas, process: ForwardProcess, start: number): StepPlan[] {
  const numSteps = run.timesteps.length;
  const levels: Level[] = Array.from(run.sigmas, (sigma) => levelOf(process, sigma));
  const orders = uniPcOrders(options, numSteps, start);
  const conversion: ConversionOptions = { ...options, integrand: options.predictX0 ? 'data' : 'noise' };
  const sources = convertedSources(conversion, levels[0]);
  const { predictX0, solverType } = options;
  const depthOf = (k: number) => Math.max(orders.predictor[k] - 1, orders.corrector[k]);
  return orders.predictor.map((order, k) => {
    const i = start + k;
    const correctorOrder = orders.corrector[k];
    const target = levels[i + 1];
    if (order > 1 && target.sigma === 0) {
      throw new RangeError(
        `UniPcMultistepScheduler: step ${i} ends at sigma 0 with a predictor of order ${order}, whose terms are infinite there (diffusers: NaN or a singular system); set lowerOrderFinal true, or finalSigmasType 'sigma_min'`,
      );
    }
    const converted = convertedValues(conversion, levels.slice(i - depthOf(k), i + 1).reverse());
    const values = [...converted.values];
    if (correctorOrder > 0) values.push(...correctorValues(uniPcInterval(predictX0, solverType, levels[i], levels.slice(i - correctorOrder, i).reverse()), converted.m));
    const base = correctorOrder > 0 ? 'corrected' : SAMPLE;
    // A step between two equal sigmas (the last of some schedules with 'sigma_min') moves nothing.
    const still = target.lambda === levels[i].lambda;
    const interval = order > 1 && !still ? uniPcInterval(predictX0, solverType, target, levels.slice(i - order + 1, i + 1).reverse()) : null;
    values.push(...(still ? [weightedSum('prev', [[base, 1]])] : predictorValues(interval, firstOrderWeights(conversion.integrand, target, levels[i]), base, converted.m)));
    return {
      timestep: run.timesteps[i],
      modelInputLevel: { alpha: levels[i].alpha, sigma: levels[i].sigma },
      combination: { values, outputs: ['prev', DENOISED] },
      sample: 'prev',
      denoised: DENOISED,
      drawsNoise: false,
      threshold: converted.threshold,
      keep: keepForNext(k + 1 < orders.predictor.length ? depthOf(k + 1) : 0, sources),
    };
  });
}
