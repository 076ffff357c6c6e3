/**
 * Argument checks shared by every public entry point. Each throws an error whose message
 * names the argument, the value received and what is allowed, e.g.
 * `RangeError: numSteps must be an integer in [1, 1000], got 0`.
 */

/** A short, unambiguous rendering of a received value for an error message. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  if (Array.isArray(value)) {
    const items = value.slice(0, 8).map(show).join(', ');
    return `[${items}${value.length > 8 ? ', ...' : ''}]`;
  }
  if (typeof value === 'function') return 'a function';
  const name = (value as object).constructor?.name;
  return name && name !== 'Object' ? `a ${name}` : 'an object';
}

export function checkBoolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new TypeError(`${name} must be true or false, got ${show(value)}`);
  return value;
}

export function checkOneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    const list = allowed.map((item) => `'${item}'`).join(', ');
    throw new (typeof value === 'string' ? RangeError : TypeError)(`${name} must be one of ${list}, got ${show(value)}`);
  }
  return value as T;
}

function checkNumber(name: string, value: unknown, allowed: string): number {
  if (typeof value !== 'number') throw new TypeError(`${name} must be ${allowed}, got ${show(value)}`);
  if (!Number.isFinite(value)) throw new RangeError(`${name} must be ${allowed}, got ${show(value)}`);
  return value;
}

/** An integer in [min, max] (max may be Infinity). */
export function checkInteger(name: string, value: unknown, min: number, max = Infinity): number {
  const allowed = max === Infinity ? `an integer >= ${min}` : `an integer in [${min}, ${max}]`;
  const number = checkNumber(name, value, allowed);
  if (!Number.isInteger(number) || number < min || number > max) throw new RangeError(`${name} must be ${allowed}, got ${show(value)}`);
  return number;
}

/**
 * A finite number within bounds; `open` makes a bound exclusive. Bounds of ±Infinity are
 * left out of the message.
 */
export function checkNumberIn(
  name: string,
  value: unknown,
  bounds: { min?: number; max?: number; openMin?: boolean; openMax?: boolean },
): number {
  const { min = -Infinity, max = Infinity, openMin = false, openMax = false } = bounds;
  const parts: string[] = [];
  if (min > -Infinity) parts.push(`${openMin ? '>' : '>='} ${min}`);
  if (max < Infinity) parts.push(`${openMax ? '<' : '<='} ${max}`);
  const allowed = parts.length === 2 && openMin && openMax ? `a number with ${min} < x < ${max}` : `a number ${parts.join(' and ')}`.trim();
  const number = checkNumber(name, value, allowed);
  const tooLow = openMin ? number <= min : number < min;
  const tooHigh = openMax ? number >= max : number > max;
  if (tooLow || tooHigh) throw new RangeError(`${name} must be ${allowed}, got ${show(value)}`);
  return number;
}

/**
 * Checks the options object of a call (`call`, e.g. 'init'): an object whose keys are all among
 * `names`; `example` shows a valid one in the message.
 */
export function checkOptionNames(call: string, opts: unknown, names: readonly string[], example: string): void {
  if (opts === null || typeof opts !== 'object' || Array.isArray(opts)) throw new TypeError(`${call} options must be an object like ${example}, got ${show(opts)}`);
  const unknown = Object.keys(opts).filter((name) => !names.includes(name));
  if (unknown.length > 0) throw new TypeError(`unknown ${call} option ${show(unknown[0])}; the options are ${names.join(', ')}`);
}

/**
 * An array without holes: every argument that takes an array goes through this first, so that
 * a sparse array (`[, 4]`) is named as such instead of reading `undefined` somewhere later.
 */
export function checkDenseArray(name: string, value: unknown, allowed: string): unknown[] {
  if (!Array.isArray(value)) throw new TypeError(`${name} must be ${allowed}, got ${show(value)}`);
  for (let i = 0; i < value.length; i++) {
    if (!(i in value)) throw new TypeError(`${name} has a hole at index ${i} (a sparse array); it must be ${allowed}`);
  }
  return value;
}

/**
 * The values of an array without holes (checkDenseArray) or of a typed array (not a DataView),
 * as a new plain array: for the arguments that take numbers either way.
 */
export function arrayLikeValues(name: string, value: unknown, allowed: string): unknown[] {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<unknown>);
  return Array.from(checkDenseArray(name, value, allowed));
}

/**
 * The most elements a sample may have: 2^31 - 1, what a Float32Array holds in every JavaScript
 * engine (and more than any tfjs backend can hold as one tensor).
 */
export const MAX_SAMPLE_SIZE = 2 ** 31 - 1;

/**
 * The message for a disposed tensor given as `name`. The usual cause is a tensor kept from a
 * sample() callback, which the loop disposes when the call returns: the message says so.
 */
export function disposedTensorMessage(name: string): string {
  return (
    `${name} was disposed before the call. sample() disposes the tensors it hands to the denoiser and to onStep ` +
    '(sample, denoised) when that call returns: to use one later, keep tf.clone(tensor) (or its values) instead'
  );
}

/** A tensor shape: a non-empty array of positive integers, of at most MAX_SAMPLE_SIZE elements. */
export function checkShape(name: string, value: unknown): number[] {
  const allowed = 'a non-empty array of positive integers';
  const shape = checkDenseArray(name, value, allowed);
  if (shape.length === 0) throw new TypeError(`${name} must be ${allowed}, got []`);
  shape.forEach((size, axis) => {
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 1) {
      throw new RangeError(`${name}[${axis}] must be a positive integer, got ${show(size)} (in ${show(value)})`);
    }
  });
  const elements = (shape as number[]).reduce((product, size) => product * size, 1);
  if (elements > MAX_SAMPLE_SIZE) throw new RangeError(`${name} ${show(value)} holds ${elements} elements, more than the ${MAX_SAMPLE_SIZE} a Float32Array can hold`);
  return shape.slice() as number[];
}
