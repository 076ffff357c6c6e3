/**
 * The ring and glyph mixtures: the error of deterministic samplers against a converged
 * reference solution of the ODE (reference_ode.ts, RK4 in float64 from the same start), and for
 * every sampler the distance of its samples to the exact mixture: the share near a mode
 * (src/denoisers' quality figures) and the sliced Wasserstein-1 distance (sliced_wasserstein.ts).
 */
import { glyphsQuality } from '../../src/denoisers/glyphs_quality';
import { ringQuality } from '../../src/denoisers/ring_quality';
import { key } from '../../src/random/key';
import { normalValues } from '../../src/random/normal';
import type { NoiseLevel } from '../../src/schedulers/plan';
import type { Scheduler } from '../../src/schedulers/protocol';
import { measurePoints, rmsError, type BudgetRun } from './budgets';
import { runDevice } from './device_run';
import { errorPoint, type ErrorPoint } from './gaussian_errors';
import { runHostPlans } from './host_plans';
import { normalCdf } from './normal_cdf';
import { exactModel } from './prediction';
import { marginalPoints, type MixtureProblem } from './problems';
import { solveFlow } from './reference_ode';
import { slicedWasserstein, type SlicedWasserstein } from './sliced_wasserstein';

export interface MixtureSetup {
  readonly problem: MixtureProblem;
  /** The starts' components (uniform draws) and standard normals: `distanceCount` rows; the first `referenceCount` are also solved exactly. */
  readonly components: Int32Array;
  readonly normals: Float32Array;
  readonly referenceCount: number;
  readonly distanceCount: number;
  /** RK4 steps of the reference over the range from the start to s = 0, and its w scale (reference_ode.ts). */
  readonly referenceSteps: number;
  readonly sRef: number;
  readonly distance: SlicedWasserstein;
  /** Share of samples near a mode (ring: within 0.2 of a mean; glyphs: RMS 0.1 of a glyph). */
  readonly nearShare: (values: Float64Array) => number;
}

export function mixtureSetup(problem: MixtureProblem, options: { referenceCount: number; distanceCount: number; referenceSteps: number; sRef: number; seed: number }): MixtureSetup {
  const nearShare =
    problem.name === 'ring' ? (values: Float64Array) => ringQuality(values).shareNearMean : (values: Float64Array) => glyphsQuality(values).shareNearGlyph;
  return {
    problem,
    // A uniform component per row: floor(K Phi(z)) of one more standard normal z.
    components: Int32Array.from(normalValues(key(options.seed + 1000), options.distanceCount), (z) => Math.min(problem.means.length - 1, Math.floor(problem.means.length * normalCdf(z)))),
    normals: normalValues(key(options.seed), options.distanceCount * problem.dimension),
    referenceCount: options.referenceCount,
    distanceCount: options.distanceCount,
    referenceSteps: options.referenceSteps,
    sRef: options.sRef,
    distance: slicedWasserstein(problem),
    nearShare,
  };
}

/** The starts at `level`: exact draws of the marginal there (problems.ts). */
function mixtureStart(setup: MixtureSetup, level: NoiseLevel): Float64Array {
  return marginalPoints(setup.problem, level, setup.normals, setup.distanceCount, setup.components);
}

export interface DistributionPoint {
  readonly numSteps: number;
  readonly calls: number;
  readonly nearShare: number;
  readonly slicedWasserstein: number;
}

export interface MixtureResults {
  /** Errors against the reference (deterministic variants). */
  readonly errors: ErrorPoint[] | null;
  readonly distribution: DistributionPoint[];
}

const levelKey = (level: NoiseLevel) => `${level.alpha}/${level.sigma}`;

/**
 * Every variant's results on one mixture: `variants` are the runs of each (with the scheduler
 * for stochastic ones, which run through the real step with seed 0). The reference solutions of
 * runs that start at the same level are one integration, cut at every level measured.
 */
export function mixtureResults(setup: MixtureSetup, variants: ReadonlyArray<{ scheduler: Scheduler; runs: readonly BudgetRun[]; stochastic: boolean }>): MixtureResults[] {
  const { problem, referenceCount } = setup;
  const d = problem.dimension;
  const referenceSize = referenceCount * d;
  // Host runs of the deterministic variants, keeping the samples measured.
  const hostRuns = variants.map(({ runs, stochastic }) =>
    stochastic
      ? null
      : runs.map(({ levels }) => {
          const { samples } = runHostPlans(levels.plans, mixtureStart(setup, levels.sampleLevels[0]), exactModel(problem, levels.predictionType));
          const points = measurePoints(levels);
          return { points, endSamples: samples[points.end.index], lastSamples: points.lastNonzero ? samples[points.lastNonzero.index].subarray(0, referenceSize) : null };
        }),
  );
  // Reference solutions, one integration per start level.
  const targets = new Map<string, { start: NoiseLevel; levels: Map<string, NoiseLevel> }>();
  variants.forEach(({ runs }, v) =>
    hostRuns[v]?.forEach(({ points }, r) => {
      const start = runs[r].levels.sampleLevels[0];
      const group = targets.get(levelKey(start)) ?? { start, levels: new Map() };
      for (const point of [points.end, points.lastNonzero]) if (point) group.levels.set(levelKey(point.level), point.level);
      targets.set(levelKey(start), group);
    }),
  );
  const solutions = new Map<string, Float64Array>();
  for (const [startKey, { start, levels }] of targets) {
    const list = [...levels.values()];
    const points = mixtureStart(setup, start).subarray(0, referenceSize);
    solveFlow(problem, { points, level: start }, list, setup.referenceSteps, setup.sRef).forEach((solution, i) => solutions.set(`${startKey}->${levelKey(list[i])}`, solution));
  }
  return variants.map(({ scheduler, runs, stochastic }, v) => {
    const distribution: DistributionPoint[] = [];
    const errors: ErrorPoint[] = [];
    runs.forEach((run, r) => {
      const { numSteps, calls, levels } = run;
      let endpoints: Float64Array;
      const host = hostRuns[v]?.[r];
      if (host) {
        endpoints = host.endSamples;
        const startKey = levelKey(levels.sampleLevels[0]);
        // The end's samples, or the last nonzero level's (the same sample where the run ends above 0).
        const samplesAt = (index: number) => (index === host.points.end.index ? host.endSamples : host.lastSamples!);
        errors.push(errorPoint(run, host.points, ({ index, level }) => rmsError(samplesAt(index), solutions.get(`${startKey}->${levelKey(level)}`)!, level)));
      } else {
        const start = mixtureStart(setup, levels.sampleLevels[0]);
        const samples = runDevice(scheduler, numSteps, start, [setup.distanceCount, d], exactModel(problem, levels.predictionType));
        endpoints = samples[samples.length - 1];
      }
      distribution.push({ numSteps, calls, nearShare: setup.nearShare(endpoints), slicedWasserstein: setup.distance.distance(endpoints) });
    });
    return { errors: stochastic ? null : errors, distribution };
  });
}

/** The distances of an exact sample of the same size (the data points whose noisy versions the starts are): the floor of the sampled distances. */
export function exactSampleFloor(setup: MixtureSetup): DistributionPoint {
  const data = mixtureStart(setup, { alpha: 1, sigma: 0 });
  return { numSteps: 0, calls: 0, nearShare: setup.nearShare(data), slicedWasserstein: setup.distance.distance(data) };
}

/** The largest change of the reference when its RK4 steps double, from the highest start level measured to the ends. */
export function referenceConvergence(setup: MixtureSetup, start: NoiseLevel, targets: readonly NoiseLevel[]): number {
  const points = mixtureStart(setup, start).subarray(0, setup.referenceCount * setup.problem.dimension);
  const coarse = solveFlow(setup.problem, { points, level: start }, targets, setup.referenceSteps, setup.sRef);
  const fine = solveFlow(setup.problem, { points, level: start }, targets, 2 * setup.referenceSteps, setup.sRef);
  return Math.max(...coarse.map((solution, t) => Math.max(...solution.map((x, i) => Math.abs(x - fine[t][i])))));
}
