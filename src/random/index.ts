/**
 * Counter-based pseudo-random numbers: the threefry2x32 PRNG of `Nx.Random` and of
 * `jax.random` in its original, non-partitionable mode, bit for bit. JAX 0.5.0 made the
 * partitionable mode its default, which changes `split` and every draw; set
 * `jax.config.update('jax_threefry_partitionable', False)` to compare with JAX >= 0.5.
 * A key is two uint32 words; a function never changes its key, so the same key always gives
 * the same numbers, and a new draw needs a new key (`split`, or the `key` that `normal`
 * returns).
 */
import { key, split } from './key';
import { normal } from './normal';
import { torchGenerator } from './torch/generator';

export { key, split } from './key';
export { normal, normalValues } from './normal';
export { torchGenerator, TorchGenerator } from './torch/generator';

/**
 * The `random` namespace.
 *
 * - `random.key(seed)`: a key from an integer seed (number or bigint), as `Nx.Random.key(seed)`
 *   and `jax.random.PRNGKey(seed)` (64-bit seeds, as with `jax_enable_x64`).
 * - `random.split(key, parts = 2)`: `parts` independent keys, as `Nx.Random.split` and
 *   `jax.random.split`.
 * - `random.normal(key, shape)`: `{ sample, key }`, a float32 tensor of standard normals and
 *   the next key, as `Nx.Random.normal(key, shape: shape)`, i.e. in JAX
 *   `key, sub = jax.random.split(key); sample = jax.random.normal(sub, shape)`.
 * - `random.torchGenerator(seed)`: torch's CPU generator (MT19937), as
 *   `torch.Generator('cpu').manual_seed(seed)`; `g.randn(shape)` is
 *   `torch.randn(shape, generator=g)` bit for bit and continues the stream (src/random/torch).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import '@tensorflow/tfjs-backend-cpu';
 * import { random } from 'tfjs-diffusion-schedulers';
 *
 * const first = random.normal(random.key(0), [2, 3]);
 * first.sample.print(); // [[-1.4581939, -2.047044, -1.4242861], [1.1684095, -0.9758364, -1.2718494]]
 * const second = random.normal(first.key, [2, 3]); // the next draw, from the returned key
 * const [left, right] = random.split(random.key(42)); // two independent streams
 * const g = random.torchGenerator(0); // torch.manual_seed(0)
 * const latents = g.randn([1, 4, 64, 64]); // torch.randn((1, 4, 64, 64), generator=g)
 * tf.dispose([first.sample, second.sample, latents]);
 * ```
 */
export const random = Object.freeze({ key, split, normal, torchGenerator });
