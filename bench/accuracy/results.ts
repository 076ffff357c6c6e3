/** What `npm run bench:accuracy` measures, as written to docs/accuracy/results.json. */
import type { AccuracyVariant } from './variants';
import type { DistributionPoint } from './mixture_errors';
import type { ErrorPoint } from './gaussian_errors';

export interface VariantResults {
  readonly variant: AccuracyVariant;
  /** Step counts the class refuses, with its message. */
  readonly refused: readonly string[];
  /** Largest gap between the point-mass run and the plans' levels (run_levels.ts), over the budgets. */
  readonly probeGap: number;
  /** The Gaussian problem (deterministic variants): float64 host plans and float32 real steps. */
  readonly gaussian: { readonly float64: ErrorPoint[]; readonly float32: ErrorPoint[] } | null;
  readonly ring: { readonly errors: ErrorPoint[] | null; readonly distribution: DistributionPoint[] };
  readonly glyphs: { readonly errors: ErrorPoint[] | null; readonly distribution: DistributionPoint[] };
}

export interface AccuracyResults {
  readonly date: string;
  readonly seconds: number;
  readonly variants: readonly VariantResults[];
  /** Variants whose class is not in the registry yet. */
  readonly notBuilt: readonly AccuracyVariant[];
  /** Per mixture: the exact sample's distances (the floor) and how much the reference moves when its steps double. */
  readonly mixtures: Readonly<Record<'ring' | 'glyphs', { floor: DistributionPoint; referenceChange: number; referenceSteps: number; referenceCount: number; distanceCount: number }>>;
}
