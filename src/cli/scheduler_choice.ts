/**
 * Which scheduler `tfjs-diffusion sample` runs: `--scheduler` names a class of the registry,
 * `--scheduler-config` reads a diffusers scheduler_config.json (its `_class_name` picks the
 * class unless `--scheduler` is given), `--eta` and the data set's needs go on top. Every
 * class of the registry is a choice as soon as it is registered.
 */
import { readFileSync } from 'node:fs';
import { show } from '../errors';
import type { Scheduler } from '../schedulers/protocol';
import { SCHEDULERS, type SchedulerEntry } from '../schedulers/registry';
import { UsageError } from './usage_error';

/** The scheduler without `--scheduler` or a config. */
export const DEFAULT_SCHEDULER = 'ddim';

export interface ChosenScheduler {
  readonly entry: SchedulerEntry;
  readonly scheduler: Scheduler;
}

/** The command line's names of the schedulers that sample (inversion does not). */
function samplingSchedulerNames(): string[] {
  return SCHEDULERS.filter((entry) => entry.purpose === 'sampling').map((entry) => entry.name);
}

function entryNamed(name: string): SchedulerEntry {
  const entry = SCHEDULERS.find((candidate) => candidate.name === name);
  if (!entry) throw new UsageError(`--scheduler must be one of ${SCHEDULERS.map((candidate) => candidate.name).join(', ')}, got ${show(name)}`);
  return entry;
}

/** The config file as an object; a file that cannot be read or is not a JSON object is a usage error naming it. */
function readConfig(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`--scheduler-config ${path} cannot be read: ${(error as Error).message}`);
  }
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--scheduler-config ${path} is not JSON: ${(error as Error).message}`);
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new UsageError(`--scheduler-config ${path} must hold a JSON object (a diffusers scheduler_config.json), got ${show(config)}`);
  }
  return config as Record<string, unknown>;
}

/** The registry entry whose diffusers class the config names. */
function entryOfConfig(path: string, config: Record<string, unknown>): SchedulerEntry {
  const className = config._class_name;
  const entry = SCHEDULERS.find((candidate) => candidate.diffusersClass === className);
  if (entry) return entry;
  const classes = SCHEDULERS.map((candidate) => candidate.diffusersClass).join(', ');
  throw new UsageError(
    `--scheduler-config ${path}: _class_name ${show(className)} is none of ${classes}; ` +
      `add --scheduler NAME to read its keys as that class (${SCHEDULERS.map((candidate) => candidate.name).join(', ')})`,
  );
}

/**
 * The options the run needs on top of the class's (or the config's): `wanted` (a data set's
 * needs, e.g. no clipping of x0 for data outside [-1, 1]) where the class has the option, and
 * `--eta`, which must be an option of the class.
 */
function overridesFor(entry: SchedulerEntry, wanted: Readonly<Record<string, unknown>>, eta: number | undefined): Record<string, unknown> {
  const known = entry.create().options as Record<string, unknown>;
  const overrides = Object.fromEntries(Object.entries(wanted).filter(([name]) => name in known));
  if (eta !== undefined) {
    if (!('eta' in known)) {
      const withEta = SCHEDULERS.filter((candidate) => 'eta' in (candidate.create().options as object)).map((candidate) => candidate.name);
      throw new UsageError(`--eta is an option of ${withEta.join(', ')}; the ${entry.name} scheduler has none`);
    }
    overrides.eta = eta;
  }
  return overrides;
}

/** The scheduler the flags ask for, with `wanted` options where it has them. Every mistake is a UsageError. */
export function chooseScheduler(flags: { scheduler?: string; schedulerConfig?: string; eta?: number }, wanted: Readonly<Record<string, unknown>> = {}): ChosenScheduler {
  const config = flags.schedulerConfig === undefined ? undefined : readConfig(flags.schedulerConfig);
  const entry =
    flags.scheduler !== undefined ? entryNamed(flags.scheduler) : config !== undefined ? entryOfConfig(flags.schedulerConfig!, config) : entryNamed(DEFAULT_SCHEDULER);
  if (entry.purpose !== 'sampling') {
    throw new UsageError(
      `the ${entry.name} scheduler (${entry.diffusersClass}) runs ${entry.purpose}, from data towards noise, and cannot sample; ` +
        `sample with ${samplingSchedulerNames().join(', ')}`,
    );
  }
  const overrides = overridesFor(entry, wanted, flags.eta);
  try {
    const scheduler = config === undefined ? entry.create(overrides) : entry.fromDiffusersConfig(config, overrides);
    return { entry, scheduler };
  } catch (error) {
    if (!(error instanceof RangeError || error instanceof TypeError)) throw error;
    const source = config === undefined ? `the ${entry.name} scheduler` : `--scheduler-config ${flags.schedulerConfig} as ${entry.diffusersClass}`;
    throw new UsageError(`${source}: ${error.message}`);
  }
}
