import { defaultsOf } from '../schedulers/options';
import { OWN_OPTIONS_KEY, type SchedulerTable } from './diffusers_keys';

/**
 * The diffusers `scheduler_config.json` of `options` for `table`'s class: `_class_name`, every
 * key of that diffusers class's constructor that we map, and under OWN_OPTIONS_KEY the options
 * without a key there that differ from their defaults. `optionsFromDiffusersConfig` reads it
 * back to the same options.
 */
export function diffusersConfigOf<Options>(table: SchedulerTable<Options>, options: Readonly<Options>): Record<string, unknown> {
  const values = options as Readonly<Record<string, unknown>>;
  const config: Record<string, unknown> = { _class_name: table.diffusersClass };
  const written = new Set<string>();
  for (const { key, option, values: pairs } of table.keys) {
    const value = values[option];
    config[key] = pairs ? pairs.find(([, ours]) => ours === value)![0] : Array.isArray(value) ? [...value] : value;
    written.add(option);
  }
  for (const composite of table.composites ?? []) {
    Object.assign(config, composite.write(values[composite.option]));
    written.add(composite.option);
  }
  const defaults = defaultsOf(table.options) as Readonly<Record<string, unknown>>;
  const own: Record<string, unknown> = {};
  for (const option of Object.keys(defaults)) {
    if (!written.has(option) && values[option] !== defaults[option]) own[option] = Array.isArray(values[option]) ? [...(values[option] as unknown[])] : values[option];
  }
  if (Object.keys(own).length > 0) config[OWN_OPTIONS_KEY] = own;
  return config;
}
