import { DDIM_DEFAULTS, type DdimOptionName, type ResolvedDdimOptions } from '../schedulers/ddim_options';
import { keysOfClass, OWN_OPTIONS_KEY, type DiffusersDdimClass } from './diffusers_keys';

/**
 * The diffusers `scheduler_config.json` of `options` for `className`: `_class_name`, every key
 * that class's constructor takes, and under OWN_OPTIONS_KEY the options without a key there
 * that differ from their defaults. `readDiffusersConfig` reads it back to the same options.
 */
export function diffusersConfigOf(className: DiffusersDdimClass, options: ResolvedDdimOptions): Record<string, unknown> {
  const config: Record<string, unknown> = { _class_name: className };
  const written = new Set<DdimOptionName>();
  for (const { key, option, values } of keysOfClass(className)) {
    const value = options[option];
    config[key] = values ? values.find(([, ours]) => ours === value)![0] : Array.isArray(value) ? [...value] : value;
    written.add(option);
  }
  const own: Record<string, unknown> = {};
  for (const option of Object.keys(DDIM_DEFAULTS) as DdimOptionName[]) {
    if (!written.has(option) && options[option] !== DDIM_DEFAULTS[option]) own[option] = options[option];
  }
  if (Object.keys(own).length > 0) config[OWN_OPTIONS_KEY] = own;
  return config;
}
