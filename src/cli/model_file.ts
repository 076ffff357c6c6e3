/**
 * A tfjs model on disk, read with Node's fs into tfjs-core's IO types: `model.json` (a
 * LayersModel or a GraphModel, as tfjs's converters and `model.save` write it) and the weight
 * files its manifest names, beside it. This is what tfjs-node's `file://` handler does, without
 * tfjs-node: `tf.io.getModelArtifactsForJSON` does the rest.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { UsageError } from './usage_error';

export type ModelFormat = 'layers-model' | 'graph-model';

export interface ModelFile {
  readonly path: string;
  readonly format: ModelFormat;
  /** The IO handler that tfjs-layers' loadLayersModel and tfjs-converter's loadGraphModel take. */
  readonly handler: tf.io.IOHandler;
}

/** The format of a model.json: its `format` field, else what its topology holds (Keras config, or graph nodes). */
function formatOf(path: string, json: tf.io.ModelJSON): ModelFormat {
  if (json.format === 'layers-model' || json.format === 'graph-model') return json.format;
  const topology = json.modelTopology as Record<string, unknown> | undefined;
  if (topology && Array.isArray(topology.node)) return 'graph-model';
  if (topology && ('model_config' in topology || 'class_name' in topology)) return 'layers-model';
  throw new UsageError(`--model ${path} is neither a tfjs LayersModel nor a GraphModel model.json (no format, and no layers or graph nodes in modelTopology)`);
}

/** The bytes of one weight file, a usage error naming it when it cannot be read. */
function readWeightFile(modelPath: string, relativePath: string): ArrayBuffer {
  const path = resolve(dirname(modelPath), relativePath);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new UsageError(`--model ${modelPath}: its weight file ${relativePath} cannot be read: ${(error as Error).message}`);
  }
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/** Reads `path` (a model.json) and checks its shape; the weights are read when the model loads. */
export function readModelFile(path: string): ModelFile {
  let json: tf.io.ModelJSON;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`--model ${path} cannot be read as JSON: ${(error as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || typeof json.modelTopology !== 'object' || json.modelTopology === null) {
    throw new UsageError(`--model ${path} must be a tfjs model.json (an object with modelTopology and weightsManifest)`);
  }
  const format = formatOf(path, json);
  const handler: tf.io.IOHandler = {
    load: () =>
      tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const specs = manifest.flatMap((group) => group.weights);
        const shards = manifest.flatMap((group) => group.paths.map((shard) => readWeightFile(path, shard)));
        return [specs, shards];
      }),
  };
  return { path, format, handler };
}
