/**
 * Node side: gathers what each backend measured in a parity suite and writes it as a markdown
 * table under test-results/ (the README's precision table comes from these files).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bumblebeeErrors, diffusersErrors, fixtureError } from './compare';
import type { CaseOutcome } from './run_case';
import type { ReferenceCase } from './reference_cases';

interface Row {
  bumblebeeSlice: number;
  bumblebeeSum: number;
  diffusersAbsSum: number;
  diffusersAbsMean: number;
  /** Largest element error of the full-array fixture loops (fixtures/diffusers). */
  fixtureElement: number;
  /** Final samples by case name, to compare with the cpu backend's. */
  samples: Map<string, number[]>;
}

const RESULTS_DIR = join(__dirname, '..', '..', 'test-results');

export class PrecisionReport {
  private readonly rows = new Map<string, Row>();

  constructor(
    private readonly title: string,
    private readonly fileName: string,
  ) {}

  add(label: string, testCase: ReferenceCase, outcome: CaseOutcome): void {
    if (outcome.kind !== 'loop' || testCase.kind === 'timesteps') return;
    // -Infinity: not measured (yet); a NaN error stays NaN and shows.
    const row = this.rows.get(label) ?? { bumblebeeSlice: -Infinity, bumblebeeSum: -Infinity, diffusersAbsSum: -Infinity, diffusersAbsMean: -Infinity, fixtureElement: -Infinity, samples: new Map() };
    this.rows.set(label, row);
    row.samples.set(testCase.name, outcome.values);
    if (testCase.kind === 'bumblebee_loop') {
      const errors = bumblebeeErrors(testCase, outcome);
      row.bumblebeeSlice = Math.max(row.bumblebeeSlice, errors.slice);
      row.bumblebeeSum = Math.max(row.bumblebeeSum, errors.sum);
    } else if (testCase.kind === 'fixture_loop') {
      row.fixtureElement = Math.max(row.fixtureElement, fixtureError(testCase, outcome));
    } else {
      const errors = diffusersErrors(testCase, outcome);
      row.diffusersAbsSum = Math.max(row.diffusersAbsSum, errors.absSum);
      row.diffusersAbsMean = Math.max(row.diffusersAbsMean, errors.absMean);
    }
  }

  /** Largest |x - x_cpu| over every element of every loop both ran (-Infinity without cpu). */
  private differenceFromCpu(row: Row): number {
    let largest = -Infinity;
    for (const [name, values] of row.samples) {
      const reference = this.rows.get('cpu')?.samples.get(name);
      if (reference) values.forEach((x, i) => (largest = Math.max(largest, Math.abs(x - reference[i]))));
    }
    return largest;
  }

  write(): void {
    if (this.rows.size === 0) return;
    const show = (x: number) => (x === -Infinity ? '-' : x.toExponential(1));
    const lines = [
      `# ${this.title}`,
      '',
      'Largest absolute errors over the cases each backend ran (Bumblebee: its loops, 18-element slices and sums of 256 elements; diffusers: the public loops, sum and mean of |sample| over 768 elements; fixtures: every element of the final sample and denoised of the full-array loops of fixtures/diffusers).',
      '"any element vs cpu": the largest difference from the float32 result of the cpu backend over every element of every loop.',
      '',
      '| backend | Bumblebee slice | Bumblebee sum | diffusers abs sum | diffusers abs mean | fixture element | any element vs cpu |',
      '|---|---|---|---|---|---|---|',
      ...[...this.rows].map(([label, row]) =>
        `| ${label} | ${show(row.bumblebeeSlice)} | ${show(row.bumblebeeSum)} | ${show(row.diffusersAbsSum)} | ${show(row.diffusersAbsMean)} | ${show(row.fixtureElement)} | ${show(this.differenceFromCpu(row))} |`,
      ),
      '',
    ];
    mkdirSync(RESULTS_DIR, { recursive: true });
    writeFileSync(join(RESULTS_DIR, this.fileName), lines.join('\n'));
  }
}
