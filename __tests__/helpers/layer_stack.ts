/**
 * A stand-in for a latent diffusion model's convolutions, made of real tfjs-layers layers:
 * `depthwiseLayers` 3x3 depthwise convolutions, between a 3x3 conv2d (ReLU) and a 1x1 conv2d
 * unless `convolutions` is false, on NHWC samples ([batch, height, width, channels]). Every
 * layer keeps the shape. The depthwise kernels average their 3x3 neighbourhood, so that a deep
 * stack neither blows up nor dies out (no denormals to slow a CPU down). The browser test of
 * programs around a model call runs the convolutions; the benchmark's model of about 20 ms is
 * depthwise layers only, which come in small steps of time on every backend (a conv2d takes
 * 40 to 600 ms on SwiftShader's WebGPU). Plain tfjs, no Node built-ins.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

export interface LayerStack {
  /** The model's output for `x` (a new tensor; the layers' intermediates are disposed). */
  call(x: tf.Tensor): tf.Tensor;
  readonly depthwiseLayers: number;
  dispose(): void;
}

export function layerStack(channels: number, depthwiseLayers: number, { convolutions = true } = {}): LayerStack {
  const inputShape = [null, null, channels];
  const layers: tfl.layers.Layer[] = [];
  if (convolutions) {
    layers.push(tfl.layers.conv2d({ inputShape, filters: channels, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: tfl.initializers.glorotNormal({ seed: 1 }) }));
  }
  for (let i = 0; i < depthwiseLayers; i++) {
    layers.push(
      tfl.layers.depthwiseConv2d({
        ...(layers.length === 0 ? { inputShape } : {}),
        kernelSize: 3,
        padding: 'same',
        depthwiseInitializer: tfl.initializers.constant({ value: 1 / 9 }),
        biasInitializer: tfl.initializers.constant({ value: 0.01 }),
      }),
    );
  }
  if (convolutions) layers.push(tfl.layers.conv2d({ filters: channels, kernelSize: 1, padding: 'same', kernelInitializer: tfl.initializers.glorotNormal({ seed: 2 }) }));
  const model = tfl.sequential({ layers });
  return {
    // apply, not predict: predict also slices its input into batches (one more program).
    call: (x) => tf.tidy(() => model.apply(x) as tf.Tensor),
    depthwiseLayers,
    dispose: () => model.dispose(),
  };
}
