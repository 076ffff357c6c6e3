import { show } from '../errors';

/**
 * One option of a scheduler class: its default and its check. `check` receives the name an
 * error must use (ours, or the diffusers config key the value came from), the value, the
 * options resolved before it (in the order of the class's table) and how to name those.
 */
export interface OptionSpec<T> {
  readonly default: T;
  readonly check: (name: string, value: unknown, resolved: Readonly<Record<string, unknown>>, nameOf: (option: string) => string) => T;
}

/** A class's options table, in the order they are checked. */
export type OptionSpecs<Options> = { readonly [Name in keyof Options]: OptionSpec<Options[Name]> };

/** How resolveOptions names things in its errors. */
export interface OptionsContext {
  /** The class whose options these are, for the unknown-option message. */
  readonly className: string;
  /** The name an error gives an option (e.g. the diffusers config key it came from). */
  readonly nameOf: (option: string) => string;
}

/** An option of `spec` with another default (e.g. PNDM's alphaClipStrategy 'alpha_zero'). */
export function withDefault<T>(spec: OptionSpec<T>, value: T): OptionSpec<T> {
  return { default: value, check: spec.check };
}

/** The defaults of a table, frozen. */
export function defaultsOf<Options>(specs: OptionSpecs<Options>): Readonly<Options> {
  return Object.freeze(Object.fromEntries(Object.entries(specs).map(([name, spec]) => [name, (spec as OptionSpec<unknown>).default]))) as Readonly<Options>;
}

/**
 * Fills in defaults and checks every option of `specs`; throws a TypeError or RangeError
 * naming the option (as `context.nameOf` says), the value received and what is allowed, and a
 * TypeError for a name the class does not have. Returns the options frozen.
 */
export function resolveOptions<Options>(specs: OptionSpecs<Options>, options: unknown, context: OptionsContext): Readonly<Options> {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`options must be an object of ${context.className} options, got ${show(options)}`);
  }
  const known = Object.keys(specs);
  for (const name of Object.keys(options)) {
    if (!known.includes(name)) throw new TypeError(`unknown ${context.className} option ${show(name)}; the options are ${known.join(', ')}`);
  }
  const given = options as Record<string, unknown>;
  const resolved: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs) as Array<[string, OptionSpec<unknown>]>) {
    const value = given[name];
    resolved[name] = value === undefined ? spec.default : spec.check(context.nameOf(name), value, resolved, context.nameOf);
  }
  return Object.freeze(resolved) as Readonly<Options>;
}
