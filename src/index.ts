export { DdimScheduler, type DdimStepResult } from './schedulers/ddim';
export { DdimState } from './schedulers/ddim_state';
export type { DdimOptions, ResolvedDdimOptions, PredictionType, AlphaClipStrategy } from './schedulers/ddim_options';
export type { InitOptions } from './schedulers/init_key';
export type { BetaSchedule } from './schedule/betas';
export { random, key, split, normal } from './random';
