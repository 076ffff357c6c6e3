/**
 * The bad-input specs' assertion, written once: a call throws an error of the given class with
 * a message naming the argument and the value, and makes no tensor. Also the numSteps values
 * that every scheduler bounded by numTrainSteps = 1000 refuses alike.
 */
import * as tf from '@tensorflow/tfjs-core';

/** The class a rejected call throws: TypeError or RangeError, or Error for a state's lifecycle. */
export type ErrorClass = new (...args: never[]) => Error;

/** Runs `call`, which must throw `type` with a message matching `message`, and checks it made no tensor. */
export function expectRejected(call: () => unknown, type: ErrorClass, message: RegExp): void {
  const before = tf.memory().numTensors;
  let thrown: unknown = null;
  try {
    call();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(type);
  expect((thrown as Error).message).toMatch(message);
  expect(tf.memory().numTensors).toBe(before);
}

/** numSteps values init refuses (RangeError) where numSteps may go up to numTrainSteps = 1000, with their messages. */
export const BAD_NUM_STEPS: ReadonlyArray<readonly [number, RegExp]> = [
  [0, /numSteps must be an integer in \[1, 1000\], got 0/],
  [1001, /numSteps must be an integer in \[1, 1000\], got 1001/],
  [2.5, /numSteps must be an integer in \[1, 1000\], got 2.5/],
  [NaN, /numSteps must be an integer in \[1, 1000\], got NaN/],
];
