/** Page side of the backend-parity suite: the checks of __tests__/parity, run on a browser backend. */
import * as tf from '@tensorflow/tfjs-core';
import { PARITY_FUNCTIONS } from '../../parity/functions';
import { useBackend } from './backends';

/** Whether WebGL renders to 32-bit float textures (false with WEBGL_FORCE_F16_TEXTURES). */
function webglRendersFloat32(): boolean {
  return tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED');
}

(window as unknown as { suite: object }).suite = { useBackend, webglRendersFloat32, ...PARITY_FUNCTIONS };
