/**
 * Timing by interleaved batches: every variant runs a batch in each round, so that a load spike
 * on the machine hits all of them alike, and each round starts with the next variant, so that
 * none always pays for the garbage of the one before; the figure is the median over rounds of
 * the batch time divided by its length. A batch ends with the variant's own sync (a GPU
 * variant awaits a tiny read that depends on its last step), never a sync per step.
 */

/** Something to time: `run(n)` does n repetitions and resolves when they are done. */
export type Timed = (repetitions: number) => void | Promise<void>;

export interface TimingBudget {
  /** Each batch lasts at least this long (its length is calibrated to it). */
  readonly batchMs: number;
  /** Rounds stop when this much time was spent on all variants, or at maxRounds. */
  readonly totalMs: number;
  readonly minRounds: number;
  readonly maxRounds: number;
}

const now = () => performance.now();

/** Doubles the batch length until one batch takes batchMs; also the warm-up. */
async function calibrate(run: Timed, batchMs: number): Promise<number> {
  let repetitions = 1;
  for (;;) {
    const start = now();
    await run(repetitions);
    const elapsed = now() - start;
    if (elapsed >= batchMs || repetitions >= 1 << 16) return repetitions;
    repetitions *= elapsed > 0 ? Math.min(8, Math.max(2, Math.ceil(batchMs / elapsed))) : 8;
  }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Half the distance between the first and third quartiles: how far a figure moves from round to round. */
export function halfInterquartileRange(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const quantile = (q: number) => {
    const position = q * (sorted.length - 1);
    const below = Math.floor(position);
    return sorted[below] + (sorted[Math.min(below + 1, sorted.length - 1)] - sorted[below]) * (position - below);
  };
  return (quantile(0.75) - quantile(0.25)) / 2;
}

/**
 * Microseconds per repetition of each variant, one figure per round: the rounds line up, so that
 * a difference of two variants can be taken within each round.
 */
export async function timeRounds<K extends string>(variants: Record<K, Timed>, budget: TimingBudget): Promise<Record<K, number[]>> {
  const names = Object.keys(variants) as K[];
  const lengths = {} as Record<K, number>;
  for (const name of names) {
    await variants[name](1); // compiles and first-touch, outside the calibration
    lengths[name] = await calibrate(variants[name], budget.batchMs);
  }
  const samples = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<K, number[]>;
  const start = now();
  for (let round = 0; round < budget.maxRounds && (round < budget.minRounds || now() - start < budget.totalMs); round++) {
    for (const name of [...names.slice(round % names.length), ...names.slice(0, round % names.length)]) {
      const batchStart = now();
      await variants[name](lengths[name]);
      samples[name].push(((now() - batchStart) * 1000) / lengths[name]);
    }
  }
  return samples;
}

/** Per round, `a` minus `b` (two variants of timeRounds): what one adds to the other, free of the load both saw. */
export function differences(a: number[], b: number[]): number[] {
  return a.map((value, round) => value - b[round]);
}

/** Median microseconds per repetition of each variant. */
export async function timeInterleaved<K extends string>(variants: Record<K, Timed>, budget: TimingBudget): Promise<Record<K, number>> {
  const samples = await timeRounds(variants, budget);
  return Object.fromEntries(Object.entries<number[]>(samples).map(([name, times]) => [name, median(times)])) as Record<K, number>;
}
