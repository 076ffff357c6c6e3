/**
 * The `glyphs` data set and its exact denoiser: the ten digits of a 5x7 bitmap font, drawn
 * twice as large in the middle of 16x16 images, ink +1 on a background of -1.
 *
 * Why the denoiser is exact. For data that are a finite set {y_j} of equally likely images,
 * x_t = alpha x0 + sigma eps (DDPM: alpha = sqrt(alpha-bar), sigma = sqrt(1 - alpha-bar);
 * rectified flow: alpha = 1 - sigma) makes p_t a mixture of N(alpha y_j, sigma^2 I). Bayes'
 * rule gives the posterior of x0 = y_j given x_t,
 *   P(y_j | x_t) = softmax_j(-|x_t - alpha y_j|^2 / (2 sigma^2)),
 * so the minimum-mean-square x0 prediction is E[x0 | x_t] = sum_j P(y_j | x_t) y_j, and the
 * noise follows from the forward equation: E[eps | x_t] = (x_t - alpha E[x0 | x_t]) / sigma.
 * As sigma goes to 0 the posterior becomes one-hot, so a sampler ends on a glyph itself: the
 * exact denoiser of a finite data set memorises it.
 * In the softmax, -|x - alpha y_j|^2 / (2 sigma^2) = alpha x . y_j / sigma^2 - (|x|^2 + alpha^2 |y_j|^2) / (2 sigma^2),
 * and the last term is the same for every j (every glyph has |y_j|^2 = 256, its pixels being
 * ±1): the posterior is softmax_j(alpha / sigma^2 * x . y_j), one matrix product.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Denoiser } from '../sampling/denoiser';
import { DIGIT_FONT } from './glyph_font';
import { noiseLevelOf } from './noise_level';
import { predictionOf } from './prediction';
import { readSchedule, type ScheduleSource } from './schedule_source';

/** Height and width of a glyph image. */
export const GLYPH_SIZE = 16;
/** Shape of one glyph sample: [height, width, channels], channels-last as tfjs images. */
export const GLYPH_SHAPE: readonly number[] = [GLYPH_SIZE, GLYPH_SIZE, 1];
/** How many pixels of the image one font pixel covers along each axis. */
const FONT_SCALE = 2;

/** The glyph images, one Float32Array of GLYPH_SIZE^2 values in {-1, 1} per digit, row-major. */
export function glyphImages(): Float32Array[] {
  return DIGIT_FONT.map((rows) => {
    const image = new Float32Array(GLYPH_SIZE * GLYPH_SIZE).fill(-1);
    const top = (GLYPH_SIZE - rows.length * FONT_SCALE) >> 1;
    const left = (GLYPH_SIZE - rows[0].length * FONT_SCALE) >> 1;
    for (let y = 0; y < rows.length * FONT_SCALE; y++) {
      for (let x = 0; x < rows[0].length * FONT_SCALE; x++) {
        if (rows[Math.floor(y / FONT_SCALE)][Math.floor(x / FONT_SCALE)] === '#') image[(top + y) * GLYPH_SIZE + left + x] = 1;
      }
    }
    return image;
  });
}

/**
 * The exact denoiser of the glyphs for `scheduler` (its prediction type, and alpha-bars if it
 * has them, read once). Samples have shape [batch, 16, 16, 1]; the noise level comes from the
 * host numbers in `info` (alpha and sigma, or a DDPM-family timestep), so a call reads
 * nothing back.
 */
export function glyphsDenoiser(scheduler: ScheduleSource): Denoiser {
  const { alphaBars, predictionType } = readSchedule('glyphsDenoiser', scheduler);
  const images = glyphImages();
  const flatImages = new Float32Array(images.length * GLYPH_SIZE * GLYPH_SIZE);
  images.forEach((image, j) => flatImages.set(image, j * image.length));
  const pixels = GLYPH_SIZE * GLYPH_SIZE;
  return (sample, _timestep, info) => {
    if (sample.rank !== 4 || !tf.util.arraysEqual(sample.shape.slice(1), GLYPH_SHAPE as number[])) {
      throw new RangeError(`glyphsDenoiser needs samples of shape [batch, ${GLYPH_SHAPE.join(', ')}], got ${JSON.stringify(sample.shape)}`);
    }
    const level = noiseLevelOf('glyphsDenoiser', alphaBars, info);
    const { alpha, sigma } = level;
    return tf.tidy(() => {
      const glyphs = tf.tensor2d(flatImages, [images.length, pixels]);
      const points = tf.reshape(sample, [-1, pixels]);
      const posterior = tf.softmax(tf.mul(tf.matMul(points, glyphs, false, true), alpha / (sigma * sigma))); // P(y_j | x_t): [n, 10]
      const denoised = tf.reshape(tf.matMul(posterior, glyphs), sample.shape); // E[x0 | x_t]
      const noise = tf.div(tf.sub(sample, tf.mul(denoised, alpha)), sigma); // E[eps | x_t]
      return predictionOf(predictionType, level, denoised, noise);
    });
  };
}
