/**
 * The seeded randomness of a run on the active backend: the first normals of key 0 and a
 * 10-step DDIM with eta = 1 from seed 0 (Bumblebee's harness), twice. The noise is drawn on the
 * host (src/random), so every backend must give the same float32 bits.
 */
import * as tf from '@tensorflow/tfjs-core';
import { DdimScheduler, random } from 'tfjs-diffusion-schedulers';
import { bumblebeeSample, runDummyLoop } from '../helpers/harness';

export interface SeededOutcome {
  /** random.normal(random.key(0), [6]): the values and the next key. */
  normals: number[];
  nextKey: number[];
  /** The final samples of two identical eta = 1 runs from seed 0, flattened. */
  runs: number[][];
  leaked: number;
}

export async function seededRun(): Promise<SeededOutcome> {
  const before = tf.memory().numTensors;
  const draw = random.normal(random.key(0), [6]);
  const normals = Array.from(await draw.sample.data());
  draw.sample.dispose();
  const runs: number[][] = [];
  for (let run = 0; run < 2; run++) {
    const initial = bumblebeeSample();
    const result = runDummyLoop(new DdimScheduler({ eta: 1 }), 10, initial);
    runs.push(Array.from(await result.data()));
    tf.dispose([initial, result]);
  }
  return { normals, nextKey: Array.from(draw.key), runs, leaked: tf.memory().numTensors - before };
}
