/**
 * The option set each scheduler's benchmark row runs with, by its registry name: the setting
 * most runs use. A scheduler not listed here runs with its defaults, so a class gets its row by
 * landing in src/schedulers/registry.ts.
 */
export interface SchedulerSetting {
  readonly options: object;
  /** What the row measures, in words. */
  readonly note: string;
}

const SETTINGS: Readonly<Record<string, SchedulerSetting>> = {
  ddim: { options: { eta: 1 }, note: 'eta 1, x0 clipped' },
  'dpm-solver': { options: { solverOrder: 2 }, note: 'DPM++ 2M (order 2)' },
  unipc: { options: { solverOrder: 2 }, note: 'order 2, corrector on' },
};

export function settingOf(name: string): SchedulerSetting {
  return SETTINGS[name] ?? { options: {}, note: 'default options' };
}
