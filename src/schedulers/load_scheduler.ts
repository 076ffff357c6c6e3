import { configObject, ignoredKeysOf } from '../config/from_diffusers';
import { show } from '../errors';
import { DdimScheduler } from './ddim';
import { DdimInverseScheduler } from './ddim_inverse';
import type { DdimOptions } from './ddim_options';

/**
 * diffusers schedulers whose configs describe the same training schedule (diffusers'
 * KarrasDiffusionSchedulers, the classes DDIMScheduler lists as compatible): their configs
 * load as DDIM, with a warning.
 */
const COMPATIBLE_CLASSES = [
  'DDPMScheduler',
  'PNDMScheduler',
  'LMSDiscreteScheduler',
  'EulerDiscreteScheduler',
  'HeunDiscreteScheduler',
  'EulerAncestralDiscreteScheduler',
  'DPMSolverMultistepScheduler',
  'DPMSolverSinglestepScheduler',
  'KDPM2DiscreteScheduler',
  'KDPM2AncestralDiscreteScheduler',
  'DEISMultistepScheduler',
  'UniPCMultistepScheduler',
  'DPMSolverSDEScheduler',
  'EDMEulerScheduler',
];

/**
 * The scheduler a diffusers `scheduler_config.json` (object or JSON text) describes, picked
 * by its `_class_name`: DDIMScheduler gives a DdimScheduler, DDIMInverseScheduler a
 * DdimInverseScheduler. The config of another scheduler of the same family (PNDMScheduler
 * as in Stable Diffusion 1.5, EulerDiscreteScheduler, ...) loads as a DdimScheduler with a
 * `console.warn` that names the keys DDIM ignores. `overrides` (our option names) go on top.
 */
export function loadScheduler(config: object | string, overrides: DdimOptions = {}): DdimScheduler | DdimInverseScheduler {
  const entries = configObject(config);
  const className = entries._class_name;
  if (className === 'DDIMInverseScheduler') return DdimInverseScheduler.fromDiffusersConfig(entries, overrides);
  if (className === 'DDIMScheduler') return DdimScheduler.fromDiffusersConfig(entries, overrides);
  if (typeof className !== 'string' || !COMPATIBLE_CLASSES.includes(className)) {
    const allowed = ['DDIMScheduler', 'DDIMInverseScheduler', ...COMPATIBLE_CLASSES].join(', ');
    throw new (typeof className === 'string' ? RangeError : TypeError)(`config._class_name must name a diffusers scheduler of the DDIM family (${allowed}), got ${show(className)}`);
  }
  const scheduler = DdimScheduler.fromDiffusersConfig(entries, overrides);
  const ignored = ignoredKeysOf(entries);
  console.warn(
    `loadScheduler: the ${className} config loads as a DdimScheduler (DDIM sampling on the same training schedule); ` +
      (ignored.length > 0 ? `it ignores the keys ${ignored.join(', ')}` : 'no key was ignored'),
  );
  return scheduler;
}
