import { configObject, ignoredKeysOf } from '../config/from_diffusers';
import { show } from '../errors';
import { DdimScheduler } from './ddim/scheduler';
import { DDIM_TABLE } from './ddim/options';
import type { Scheduler } from './protocol';
import { SCHEDULERS } from './registry';

/**
 * diffusers schedulers we do not have whose configs describe the same training schedule
 * (diffusers' KarrasDiffusionSchedulers): their configs load as DDIM, with a warning.
 */
const DDIM_FALLBACK_CLASSES = [
  'DDPMScheduler',
  'PNDMScheduler',
  'LMSDiscreteScheduler',
  'DPMSolverMultistepScheduler',
  'UniPCMultistepScheduler',
  'HeunDiscreteScheduler',
  'DPMSolverSinglestepScheduler',
  'KDPM2DiscreteScheduler',
  'KDPM2AncestralDiscreteScheduler',
  'DEISMultistepScheduler',
  'DPMSolverSDEScheduler',
  'EDMEulerScheduler',
].filter((name) => !SCHEDULERS.some((entry) => entry.diffusersClass === name));

/**
 * The scheduler a diffusers `scheduler_config.json` (object or JSON text) describes, picked
 * by its `_class_name`: every class we have loads as itself (DDIMScheduler as a DdimScheduler,
 * ...). The config of a class we do not have but of the same family (DDPMScheduler,
 * LMSDiscreteScheduler, ...) loads as a DdimScheduler with a `console.warn` that names the
 * keys DDIM ignores. `overrides` (our option names) go on top.
 */
export function loadScheduler(config: object | string, overrides: object = {}): Scheduler {
  const entries = configObject(config);
  const className = entries._class_name;
  const entry = SCHEDULERS.find((candidate) => candidate.diffusersClass === className);
  if (entry !== undefined) return entry.fromDiffusersConfig(entries, overrides);
  if (typeof className !== 'string' || !DDIM_FALLBACK_CLASSES.includes(className)) {
    const allowed = [...SCHEDULERS.map((candidate) => candidate.diffusersClass), ...DDIM_FALLBACK_CLASSES].join(', ');
    throw new (typeof className === 'string' ? RangeError : TypeError)(`config._class_name must name a diffusers scheduler we have or one of its family (${allowed}), got ${show(className)}`);
  }
  const scheduler = DdimScheduler.fromDiffusersConfig(entries, overrides);
  const ignored = ignoredKeysOf(entries, DDIM_TABLE);
  console.warn(
    `loadScheduler: the ${className} config loads as a DdimScheduler (DDIM sampling on the same training schedule); ` +
      (ignored.length > 0 ? `it ignores the keys ${ignored.join(', ')}` : 'no key was ignored'),
  );
  return scheduler;
}
