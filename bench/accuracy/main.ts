/**
 * `npm run bench:accuracy`: how good each sampler is per model call (issue 14). Every variant of
 * variants.ts at model-call budgets 1 to 100, on the Gaussian problem (exact error, float64 host
 * plans and float32 real steps), the ring and the glyphs (error against a converged reference,
 * distance to the data). Prints the markdown tables, writes docs/accuracy/results.json and the
 * plots docs/accuracy-*.png. `--quick`: fewer budgets and points (rough figures, no files);
 * `--report`: the tables and plots again from docs/accuracy/results.json, nothing measured.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { budgetRuns, STEP_GRID, type BudgetRun } from './budgets';
import { gaussianErrors } from './gaussian_errors';
import { exactSampleFloor, mixtureResults, mixtureSetup, referenceConvergence, type MixtureSetup } from './mixture_errors';
import { accuracyPlots } from './accuracy_plots';
import { gaussianProblem, glyphsProblem, ringProblem } from './problems';
import { veSigma } from './reference_ode';
import { formatAccuracyReport } from './report';
import type { AccuracyResults, VariantResults } from './results';
import { schedulerOf, VARIANTS, type AccuracyVariant } from './variants';
import type { Scheduler } from '../../src/schedulers/protocol';

const USAGE = 'usage: npm run bench:accuracy -- [--quick | --report]';
const DOCS = join(__dirname, '..', '..', 'docs');
const RESULTS = join(DOCS, 'accuracy', 'results.json');
const progress = (message: string) => process.stderr.write(`${message}\n`);

/** The mixture setups: starts, reference size and steps (checked by doubling), distance sample sizes. */
function setups(quick: boolean): { ring: MixtureSetup; glyphs: MixtureSetup } {
  return {
    ring: mixtureSetup(ringProblem(), { referenceCount: quick ? 64 : 128, distanceCount: quick ? 1024 : 4096, referenceSteps: 2000, sRef: 0.05, seed: 1 }),
    glyphs: mixtureSetup(glyphsProblem(), { referenceCount: quick ? 8 : 16, distanceCount: quick ? 64 : 128, referenceSteps: 1000, sRef: 0.05, seed: 2 }),
  };
}

/** Convergence of a mixture's reference, from the highest start level of the runs to the lowest levels measured. */
function convergenceOf(setup: MixtureSetup, runs: readonly BudgetRun[]): number {
  const starts = runs.map((run) => run.levels.sampleLevels[0]);
  const highest = starts.reduce((a, b) => (veSigma(b) > veSigma(a) ? b : a));
  const lowestNonzero = runs
    .flatMap((run) => run.levels.sampleLevels)
    .reduce((a, b) => (veSigma(b) < veSigma(a) ? b : a));
  return referenceConvergence(setup, highest, [{ alpha: 1, sigma: 0 }, lowestNonzero]);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const unknown = args.filter((arg) => arg !== '--quick' && arg !== '--report');
  if (unknown.length > 0 || args.length > 1) throw new Error(`unknown argument ${unknown[0] ?? args[1]}; ${USAGE}`);
  if (args.includes('--report')) {
    const saved = JSON.parse(readFileSync(RESULTS, 'utf8')) as AccuracyResults;
    process.stdout.write(`${formatAccuracyReport(saved)}\n`);
    await accuracyPlots(saved, DOCS);
    return;
  }
  const quick = args.includes('--quick');
  const started = Date.now();
  await tf.setBackend('cpu');
  await tf.ready();

  const grid = quick ? STEP_GRID.filter((_, i) => i % 3 === 0 || i === STEP_GRID.length - 1) : STEP_GRID;
  const built: { variant: AccuracyVariant; scheduler: Scheduler; runs: BudgetRun[]; refused: string[] }[] = [];
  const notBuilt: AccuracyVariant[] = [];
  for (const variant of VARIANTS) {
    const scheduler = schedulerOf(variant);
    if (scheduler === null) notBuilt.push(variant);
    else built.push({ variant, scheduler, ...budgetRuns(scheduler, grid) });
  }

  const gaussian = gaussianProblem();
  const gaussianResults = built.map(({ variant, scheduler, runs }) => {
    if (variant.stochastic) return null;
    progress(`gaussian: ${variant.id}`);
    return { float64: gaussianErrors(gaussian, scheduler, runs, 'float64'), float32: gaussianErrors(gaussian, scheduler, runs, 'float32') };
  });

  const { ring, glyphs } = setups(quick);
  const mixtureInputs = built.map(({ variant, scheduler, runs }) => ({ scheduler, runs, stochastic: variant.stochastic }));
  progress('ring: references, runs, distances');
  const ringResults = mixtureResults(ring, mixtureInputs);
  progress('glyphs: references, runs, distances');
  const glyphResults = mixtureResults(glyphs, mixtureInputs);
  const allRuns = built.flatMap((b) => (b.variant.stochastic ? [] : b.runs));

  const variants: VariantResults[] = built.map(({ variant, runs, refused }, i) => ({
    variant,
    refused,
    probeGap: Math.max(0, ...runs.map((run) => run.levels.probeGap)),
    gaussian: gaussianResults[i],
    ring: ringResults[i],
    glyphs: glyphResults[i],
  }));
  const mixtureSummary = (setup: MixtureSetup) => ({
    floor: exactSampleFloor(setup),
    referenceChange: convergenceOf(setup, allRuns),
    referenceSteps: setup.referenceSteps,
    referenceCount: setup.referenceCount,
    distanceCount: setup.distanceCount,
  });
  const results: AccuracyResults = {
    date: new Date().toISOString().slice(0, 10),
    seconds: 0,
    variants,
    notBuilt,
    mixtures: { ring: mixtureSummary(ring), glyphs: mixtureSummary(glyphs) },
  };
  const finished: AccuracyResults = { ...results, seconds: Math.round((Date.now() - started) / 1000) };
  process.stdout.write(`${formatAccuracyReport(finished)}\n`);
  if (!quick) {
    mkdirSync(join(DOCS, 'accuracy'), { recursive: true });
    writeFileSync(RESULTS, `${JSON.stringify(finished, null, 1)}\n`);
    await accuracyPlots(finished, DOCS);
  }
  progress(`done in ${finished.seconds} s`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
