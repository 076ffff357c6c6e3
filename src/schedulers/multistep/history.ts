/**
 * The multistep history: the converted outputs m of earlier steps that a step's update reads
 * (DPM-Solver's m1, m2; UniPC's too, for its predictor and corrector). The run keeps, for each
 * earlier step still needed, the step's own tensors its converted output is made of (its
 * sample, its model output, its returned x0: clones, no copy, no GPU program) and the step
 * recomputes m from them inside its one fused combination. A tensor is released as soon as no
 * later step reads it.
 */
import type { Value } from '../../kernels/combination';
import { MODEL_OUTPUT, SAMPLE } from '../plan';
import { sumValues, type Source, type SourceSum } from './conversion';

/** The name of the combination value (and returned output) that holds a step's x0. */
export const DENOISED = 'denoised';

/** Where the current step's sources are: its inputs and its x0 value. */
export const CURRENT_SOURCES: Readonly<Record<Source, string>> = { sample: SAMPLE, modelOutput: MODEL_OUTPUT, denoised: DENOISED };

/** The run's name for `source` of the step `back` steps before the current one. */
function keptName(source: Source, back: number): string {
  return `${source}${back}`;
}

function keptSources(back: number): Record<Source, string> {
  return { sample: keptName('sample', back), modelOutput: keptName('modelOutput', back), denoised: keptName('denoised', back) };
}

/**
 * The values that recompute the converted outputs of the `sums.length` steps before the current
 * one (sums[j - 1]: the conversion at the level of the step j back) from the tensors the run
 * kept, and the name each is read by.
 */
export function pastConverted(sums: readonly SourceSum[]): { values: Value[]; refs: string[] } {
  const values: Value[] = [];
  const refs = sums.map((sum, j) => {
    const made = sumValues(`m${j + 1}`, sum, keptSources(j + 1));
    values.push(...made.values);
    return made.ref;
  });
  return { values, refs };
}

/**
 * What the run keeps after a step when the next one reads the converted outputs of `depth`
 * steps before it: the `sources` of this step (as the next step's 1 back) and of the
 * depth - 1 steps before (each moved one further back). Everything else is released.
 */
export function keepForNext(depth: number, sources: readonly Source[]): Record<string, string> {
  const keep: Record<string, string> = {};
  for (let back = 1; back <= depth; back++) {
    for (const source of sources) keep[keptName(source, back)] = back === 1 ? CURRENT_SOURCES[source] : keptName(source, back - 1);
  }
  return keep;
}
