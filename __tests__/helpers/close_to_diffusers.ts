/**
 * The bar of the host schedules (sigmas, timesteps) against diffusers' float32 numbers: each
 * value within 1e-6 relative. Returns how many are equal to the bit. No tfjs.
 */
export function expectCloseToDiffusers(actual: ArrayLike<number>, expected: readonly number[]): number {
  expect(actual.length).toBe(expected.length);
  const misses = expected.flatMap((x, i) => (Math.abs(actual[i] - x) <= 1e-6 * Math.abs(x) ? [] : [`[${i}] ${actual[i]} vs ${x}`]));
  expect(misses).toEqual([]);
  return expected.filter((x, i) => actual[i] === x).length;
}
