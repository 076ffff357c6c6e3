/**
 * The float64 arithmetic of numpy that diffusers' timestep schedules depend on, reproduced
 * operation by operation: a timestep off by one changes every number after it.
 */

/** `np.round` / `np.rint`: to the nearest integer, halves to the even one (not `Math.round`). */
export function roundHalfToEven(value: number): number {
  const floor = Math.floor(value);
  const fraction = value - floor; // exact for |value| < 2^52
  if (fraction !== 0.5) return fraction < 0.5 ? floor : floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * The first `count` values of `np.arange(start, stop, step)` for floats: numpy stores start,
 * then start + step, and fills the rest as start + i * delta with delta = (start + step) - start,
 * which can differ from step in its last bit.
 */
export function arangeValues(start: number, step: number, count: number): Float64Array {
  const values = new Float64Array(count);
  const delta = start + step - start;
  for (let i = 0; i < count; i++) values[i] = i === 1 ? start + step : start + i * delta;
  return values;
}

/** `np.linspace(start, stop, count)`: i * ((stop - start) / (count - 1)) + start, the last set to stop. */
export function linspaceValues(start: number, stop: number, count: number): Float64Array {
  const values = new Float64Array(count);
  if (count === 1) {
    values[0] = start; // numpy: a step of NaN, so 0 * (stop - start) + start
    return values;
  }
  const step = (stop - start) / (count - 1);
  for (let i = 0; i < count; i++) values[i] = i * step + start;
  values[count - 1] = stop;
  return values;
}
