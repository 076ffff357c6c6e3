/**
 * `--model MODEL.json`: a tfjs LayersModel or GraphModel as the denoiser. The model takes two
 * inputs, the sample (batch first) and the timestep, and returns the prediction the scheduler's
 * predictionType names (epsilon by default). tfjs-layers and tfjs-converter, which come with
 * `@tensorflow/tfjs`, are imported only here.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfc from '@tensorflow/tfjs-converter';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Denoiser } from '../sampling/denoiser';
import type { ModelFile, ModelFormat } from './model_file';
import { importOptional, MissingPackageError } from './optional_import';
import { UsageError } from './usage_error';

/** Names in variables: the bundler must not resolve them (they are the user's, beside tfjs-core). */
const LAYERS_PACKAGE = '@tensorflow/tfjs-layers';
const CONVERTER_PACKAGE = '@tensorflow/tfjs-converter';

/** One input of the model as it declares it; null sizes are free (the batch). */
interface ModelInput {
  readonly name: string;
  readonly shape: readonly (number | null)[] | undefined;
  readonly dtype: string;
}

/** A loaded model, whatever its format. */
interface LoadedModel {
  readonly inputs: readonly ModelInput[];
  readonly outputCount: number;
  /** Runs the model on tensors given in the order of `inputs`. */
  run(feeds: tf.Tensor[], batch: number): tf.Tensor | tf.Tensor[] | Promise<tf.Tensor | tf.Tensor[]>;
  dispose(): void;
}

export interface ModelDenoiser {
  readonly format: ModelFormat;
  /** Which input is the sample and which the timestep, as found. */
  readonly sampleInput: string;
  readonly timestepInput: string;
  /** One sample's shape as the model declares it (its sample input without the batch axis), where every size is known. */
  readonly itemShape: number[] | undefined;
  readonly denoiser: Denoiser;
  /** Whether `itemShape` fits the model's sample input; the message says why not. */
  checkItemShape(itemShape: readonly number[]): void;
  dispose(): void;
}

/** A timestep input is named so (timestep, time, t, sigma, ...); otherwise the input of lower rank, else the second. */
const TIMESTEP_NAME = /time|step|sigma|^t(?:$|[_:\d])/i;

const describe = (input: ModelInput) => `'${input.name}' (${input.shape ? `[${input.shape.map((size) => size ?? -1).join(', ')}]` : 'any shape'}, ${input.dtype})`;

function timestepIndex(inputs: readonly ModelInput[]): number {
  const named = inputs.map((input) => TIMESTEP_NAME.test(input.name));
  if (named[0] !== named[1]) return named.indexOf(true);
  const [first, second] = inputs.map((input) => input.shape?.length);
  if (first !== undefined && second !== undefined && first !== second) return first < second ? 0 : 1;
  return 1;
}

const normalizeShape = (shape: readonly (number | null)[] | undefined) => shape?.map((size) => (size === null || size < 0 ? null : size));

async function loadLayers(file: ModelFile): Promise<LoadedModel> {
  const layers = await importOptional<typeof tfl>(LAYERS_PACKAGE, '--model with a LayersModel', 'it comes with @tensorflow/tfjs');
  const model = await layers.loadLayersModel(file.handler);
  return {
    inputs: model.inputs.map((input) => ({ name: input.name, shape: normalizeShape(input.shape), dtype: input.dtype })),
    outputCount: model.outputs.length,
    run: (feeds, batch) => model.predict(feeds, { batchSize: batch }),
    dispose: () => model.dispose(),
  };
}

async function loadGraph(file: ModelFile): Promise<LoadedModel> {
  const converter = await importOptional<typeof tfc>(CONVERTER_PACKAGE, '--model with a GraphModel', 'it comes with @tensorflow/tfjs');
  const model = await converter.loadGraphModel(file.handler);
  const inputs = model.inputs.map((input) => ({ name: input.name, shape: normalizeShape(input.shape), dtype: input.dtype }));
  // execute() runs a graph without control flow; one with it (tfjs says "use executeAsync")
  // switches to executeAsync for good, which on other graphs logs a warning per call.
  let dynamic = false;
  return {
    inputs,
    outputCount: model.outputs.length,
    run: (feeds) => {
      const named = Object.fromEntries(inputs.map((input, i) => [input.name, feeds[i]]));
      if (!dynamic) {
        try {
          return model.execute(named);
        } catch (error) {
          if (!/executeAsync/.test(String((error as Error).message))) throw error;
          dynamic = true;
        }
      }
      return model.executeAsync(named);
    },
    dispose: () => model.dispose(),
  };
}

/** The timestep as the model's input wants it: a scalar, one per item [batch], or [batch, 1], of its dtype. */
function timestepFeed(input: ModelInput, timestep: tf.Scalar, batch: number): tf.Tensor {
  return tf.tidy(() => {
    const value = tf.cast(timestep, input.dtype === 'int32' ? 'int32' : 'float32');
    const rank = input.shape?.length ?? 1;
    return rank === 0 ? value : tf.reshape(tf.tile(tf.reshape(value, [1]), [batch]), rank === 1 ? [batch] : [batch, 1]);
  });
}

/** Loads the model of `file` and checks that it can be a denoiser; every problem is a UsageError naming the file. */
export async function loadModelDenoiser(file: ModelFile): Promise<ModelDenoiser> {
  let model: LoadedModel;
  try {
    model = file.format === 'layers-model' ? await loadLayers(file) : await loadGraph(file);
  } catch (error) {
    if (error instanceof UsageError || error instanceof MissingPackageError) throw error;
    throw new UsageError(`--model ${file.path} does not load as a tfjs ${file.format}: ${(error as Error).message}`);
  }
  const fail = (message: string): never => {
    model.dispose();
    throw new UsageError(`--model ${file.path}: ${message}`);
  };
  if (model.inputs.length !== 2) fail(`the model must take two inputs, the sample and the timestep; it takes ${model.inputs.length}: ${model.inputs.map(describe).join(', ')}`);
  if (model.outputCount !== 1) fail(`the model must return one tensor, the prediction; it returns ${model.outputCount}`);
  const timestepAt = timestepIndex(model.inputs);
  const timestepInput = model.inputs[timestepAt];
  const sampleInput = model.inputs[1 - timestepAt];
  if (sampleInput.dtype !== 'float32') fail(`its sample input ${describe(sampleInput)} must be float32`);
  if ((timestepInput.shape?.length ?? 1) > 2) fail(`its timestep input ${describe(timestepInput)} must be a scalar, [batch] or [batch, 1]`);
  const declared = sampleInput.shape?.slice(1);
  const itemShape = declared && declared.every((size) => size !== null) ? (declared as number[]) : undefined;

  const denoiser: Denoiser = async (sample, timestep) => {
    const batch = sample.shape[0];
    const timesteps = timestepFeed(timestepInput, timestep, batch);
    try {
      const feeds = timestepAt === 1 ? [sample, timesteps] : [timesteps, sample];
      const output = await model.run(feeds, batch);
      return Array.isArray(output) ? output[0] : output;
    } finally {
      timesteps.dispose();
    }
  };
  return {
    format: file.format,
    sampleInput: sampleInput.name,
    timestepInput: timestepInput.name,
    itemShape,
    denoiser,
    checkItemShape(wanted) {
      const fits = declared === undefined || (declared.length === wanted.length && declared.every((size, axis) => size === null || size === wanted[axis]));
      if (!fits) throw new UsageError(`--model ${file.path}: samples of shape [${wanted.join(', ')}] do not fit its sample input ${describe(sampleInput)}`);
    },
    dispose: () => model.dispose(),
  };
}
