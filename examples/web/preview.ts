/** Draws a batch of glyph images as a square grid on a canvas. */
import * as tf from '@tensorflow/tfjs-core';

/** A batch [n, h, w, 1] in [-1, 1] (n a square) drawn as a sqrt(n) x sqrt(n) grid, grey levels. */
export async function drawGrid(batch: tf.Tensor, canvas: HTMLCanvasElement): Promise<void> {
  const [count, height, width] = batch.shape;
  const side = Math.round(Math.sqrt(count));
  const grid = tf.tidy(() => {
    const tiles = tf.reshape(batch, [side, side, height, width]);
    const rows = tf.reshape(tf.transpose(tiles, [0, 2, 1, 3]), [side * height, side * width, 1]);
    return tf.clipByValue(tf.div(tf.add(rows, 1), 2), 0, 1) as tf.Tensor3D;
  });
  try {
    await tf.browser.toPixels(grid, canvas);
  } finally {
    grid.dispose();
  }
}
