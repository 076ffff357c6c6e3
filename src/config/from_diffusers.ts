import { show } from '../errors';
import { resolveOptions } from '../schedulers/options';
import { OWN_OPTIONS_KEY, type DiffusersKey, type SchedulerTable } from './diffusers_keys';

/**
 * Reads a diffusers `scheduler_config.json` (the object or its JSON text) into the options of
 * `table`'s class, then applies `overrides` (our option names). Errors name the config key that
 * carried the bad value, e.g. `RangeError: beta_schedule must be one of "linear",
 * "scaled_linear", "squaredcos_cap_v2", got "sigmoid"`. Keys the class has no use for are
 * ignored (see `ignoredKeysOf`).
 */
export function optionsFromDiffusersConfig<Options>(table: SchedulerTable<Options>, config: unknown, overrides: unknown): Readonly<Options> {
  const entries = configObject(config);
  const options: Record<string, unknown> = {};
  // An error names an option as the reader knows it: by its config key, or by our name for
  // what came from `overrides` or the own-options key.
  const names = new Map<string, string>(table.keys.map(({ key, option }) => [option, key]));
  for (const entry of table.keys) {
    const value = entries[entry.key];
    // null goes to the option's check: diffusers writes it for "none" (trained_betas: null).
    if (value === undefined) continue;
    options[entry.option] = optionValue(entry, value);
  }
  for (const composite of table.composites ?? []) {
    const value = composite.read(entries);
    if (value !== undefined) options[composite.option] = value;
    names.set(composite.option, composite.keys.join(' / '));
  }
  const own = entries[OWN_OPTIONS_KEY];
  if (own !== undefined) {
    if (own === null || typeof own !== 'object' || Array.isArray(own)) throw new TypeError(`${OWN_OPTIONS_KEY} must be an object of options, got ${show(own)}`);
    for (const [option, value] of Object.entries(own)) {
      options[option] = value;
      names.set(option, `${OWN_OPTIONS_KEY}.${option}`);
    }
  }
  if (overrides === null || typeof overrides !== 'object' || Array.isArray(overrides)) {
    throw new TypeError(`overrides must be an object of ${table.className} options, got ${show(overrides)}`);
  }
  for (const [option, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    options[option] = value;
    names.delete(option);
  }
  return resolveOptions(table.options, options, { className: table.className, nameOf: (option) => names.get(option) ?? option });
}

/**
 * The keys of a config that set no option of `table`'s class: other schedulers' keys (e.g.
 * PNDM's skip_prk_steps for DDIM) and unknown ones. Keys starting with '_' (_class_name,
 * _diffusers_version, ...) are bookkeeping, which diffusers drops too.
 */
export function ignoredKeysOf(config: Record<string, unknown>, table: SchedulerTable<unknown>): string[] {
  const known = new Set([...table.keys.map(({ key }) => key), ...(table.composites ?? []).flatMap(({ keys }) => keys)]);
  return Object.keys(config).filter((key) => !known.has(key) && !key.startsWith('_'));
}

/**
 * Python's json module writes the floats JSON lacks as bare `Infinity`, `-Infinity` and `NaN`
 * (diffusers' DPMSolverMultistepScheduler config holds `"lambda_min_clipped": -Infinity`).
 * This reads them as those numbers: each is first quoted behind a marker that starts with a NUL
 * character (outside strings only), then turned back into the number by the reviver.
 */
const NON_FINITE_MARK = 'non-finite:';
const NON_FINITE_LITERAL = /"(?:[^"\\]|\\.)*"|(-?Infinity|NaN)/g;

function parsePythonJson(text: string): unknown {
  const quoted = text.replace(NON_FINITE_LITERAL, (match, literal: string | undefined) => (literal === undefined ? match : `"\\u0000${NON_FINITE_MARK}${literal}"`));
  return JSON.parse(quoted, (_, value: unknown) => (typeof value === 'string' && value.startsWith(`\u0000${NON_FINITE_MARK}`) ? Number(value.slice(NON_FINITE_MARK.length + 1)) : value));
}

/** A diffusers config as an object: parsed from JSON text (with Python's Infinity and NaN), or as given. */
export function configObject(config: unknown): Record<string, unknown> {
  let parsed = config;
  if (typeof config === 'string') {
    try {
      parsed = parsePythonJson(config);
    } catch (error) {
      throw new SyntaxError(`config is not valid JSON: ${(error as Error).message}`);
    }
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new TypeError(`config must be a diffusers scheduler config (an object or its JSON text), got ${show(parsed)}`);
  }
  return parsed as Record<string, unknown>;
}

/** The option value a config value stands for; an unknown value throws, naming the key. */
function optionValue({ key, values }: DiffusersKey, value: unknown): unknown {
  if (values === undefined) return value;
  const pair = values.find(([configValue]) => configValue === value);
  if (pair === undefined) {
    const allowed = values.map(([configValue]) => show(configValue)).join(', ');
    throw new (typeof value === typeof values[0][0] ? RangeError : TypeError)(`${key} must be one of ${allowed}, got ${show(value)}`);
  }
  return pair[1];
}
