/** fixtures/accuracy/diffusers_gaussian.json (written by fixtures/accuracy/diffusers_gaussian.py). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface FixturePoint {
  num_steps: number;
  calls: number;
  /** null where diffusers' last step returns NaN (UniPC bh1 to a zero sigma). */
  end: number | null;
  last_nonzero: number | null;
  end_sigma: number | null;
  last_nonzero_sigma: number | null;
}

export interface FixtureVariant {
  id: string;
  class: string;
  config_kwargs: Record<string, unknown>;
  config: Record<string, unknown>;
  points: FixturePoint[];
}

export interface GaussianFixture {
  problem: { means: number[]; variances: number[]; quantiles: number[] };
  step_grid: number[];
  variants: FixtureVariant[];
}

export function gaussianFixture(): GaussianFixture {
  return JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'accuracy', 'diffusers_gaussian.json'), 'utf8')) as GaussianFixture;
}
