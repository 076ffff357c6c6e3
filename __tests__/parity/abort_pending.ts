/**
 * sample() aborted while a call of the caller's is pending: a denoiser or onStep that never
 * settles, or settles late. The promise rejects with an AbortError within one event-loop turn
 * of the abort, and whatever the call returns later is disposed. Plain tfjs: runs in Node and
 * in the Chromium page alike.
 */
import * as tf from '@tensorflow/tfjs-core';
import { DdimScheduler, sample, type Denoiser } from 'tfjs-diffusion-schedulers';

export interface AbortOutcome {
  readonly label: string;
  /** The rejection's name ('AbortError' expected) or 'resolved'. */
  readonly outcome: string;
  /** Event-loop turns (zero-delay timers) from the abort to the rejection. */
  readonly turns: number;
  /** Tensors left once the late call settled (0 expected). */
  readonly leaked: number;
}

const never = new Promise<never>(() => {});
const turn = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Runs one aborted sample() and reports how it ended. `settleLate` ends a pending call after the abort. */
async function abortedRun(label: string, make: (settleLate: Promise<void>) => { denoiser: Denoiser; onStep?: () => unknown }, abortAfterTurns: number): Promise<AbortOutcome> {
  const before = tf.memory().numTensors;
  const controller = new AbortController();
  let lateRelease!: () => void;
  const settleLate = new Promise<void>((resolve) => (lateRelease = resolve));
  const { denoiser, onStep } = make(settleLate);
  let rejectedAt = -1;
  let outcome = 'pending';
  const run = sample(new DdimScheduler(), denoiser, { numSteps: 20, shape: [2, 3], seed: 0, signal: controller.signal, ...(onStep ? { onStep } : {}) }).then(
    (result) => {
      result.dispose();
      outcome = 'resolved';
    },
    (error: Error) => {
      outcome = error.name;
    },
  );
  for (let i = 0; i < abortAfterTurns; i++) await turn();
  controller.abort();
  let turns = 0;
  while (outcome === 'pending' && turns < 50) {
    await turn();
    turns++;
  }
  rejectedAt = turns;
  lateRelease();
  await run;
  // Let a late call settle and its result be disposed.
  for (let i = 0; i < 5; i++) await turn();
  return { label, outcome, turns: rejectedAt, leaked: tf.memory().numTensors - before };
}

export async function abortPendingCalls(): Promise<AbortOutcome[]> {
  const results: AbortOutcome[] = [];
  const prediction = (x: tf.Tensor) => tf.mul(x, 0.5);
  results.push(await abortedRun('a denoiser that never settles', () => ({ denoiser: () => never }), 2));
  results.push(
    await abortedRun('a denoiser that settles after the abort (its output is disposed)', (late) => ({ denoiser: async (x) => {
      const output = prediction(x);
      await late;
      return output;
    } }), 2),
  );
  results.push(await abortedRun('an onStep that never settles', () => ({ denoiser: (x) => prediction(x), onStep: () => never }), 2));
  results.push(
    await abortedRun('a denoiser that rejects after the abort', (late) => ({ denoiser: async () => {
      await late;
      throw new Error('model failed late');
    } }), 2),
  );
  for (const turns of [0, 1, 3, 5, 8])
    results.push(
      await abortedRun(`a slow denoiser, abort after ${turns} turns`, () => ({ denoiser: async (x) => {
        await turn();
        await turn();
        return prediction(x);
      } }), turns),
    );
  return results;
}
