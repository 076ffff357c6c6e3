import * as tf from '@tensorflow/tfjs-core';
import { disposedTensorMessage, show } from '../errors';
import { SchedulerState } from './state';

/** Checks that `state` can take one more step with `scheduler`. */
export function checkStepState(state: unknown, scheduler: object): asserts state is SchedulerState {
  if (!(state instanceof SchedulerState)) throw new TypeError(`state must be the state init() or step() returned, got ${show(state)}`);
  if (state.isDisposed) throw new Error('state was disposed: state.dispose() ended its run; call init() for a new run');
  if (state.run.owner !== scheduler) throw new Error('state belongs to another scheduler: step with the scheduler whose init() made it');
  if (state.index >= state.numSteps) {
    throw new RangeError(
      `step was called past the last timestep: the run has ${state.numSteps} steps and all were taken (state.index = ${state.index}); call init() for a new run`,
    );
  }
  if (state.index !== state.run.nextIndex) {
    throw new Error(
      `state was already stepped: it is the state before step ${state.index}, and the run is at step ${state.run.nextIndex}. ` +
        'A state is used once; use the state step() returned: ({ state, sample } = scheduler.step(state, sample, modelOutput))',
    );
  }
}

/** Checks a live float32 tensor. */
export function checkFloatTensor(name: string, tensor: unknown): asserts tensor is tf.Tensor {
  if (!(tensor instanceof tf.Tensor)) throw new TypeError(`${name} must be a tf.Tensor, got ${show(tensor)}`);
  if (tensor.isDisposed) throw new TypeError(disposedTensorMessage(name));
  if (tensor.dtype !== 'float32') throw new TypeError(`${name} must be a float32 tensor, got dtype ${tensor.dtype}`);
}

/** Checks a float32 tensor of the expected shape; `expectedName` says where the shape comes from. */
export function checkSampleTensor(name: string, tensor: unknown, expected: readonly number[], expectedName: string): asserts tensor is tf.Tensor {
  checkFloatTensor(name, tensor);
  if (!tf.util.arraysEqual(tensor.shape, expected as number[])) {
    throw new RangeError(`${name} has shape ${show(tensor.shape)}, which differs from ${expectedName} ${show(expected)}`);
  }
}
