// Every sampling scheduler of the registry through `tfjs-diffusion sample`, on the glyphs and the
// ring with their exact denoisers, at the entry's default step count: the data sets' quality
// bars hold where the scheduler is made for that count (`suitedSteps`). A scheduler that lands
// in the registry is tested here without touching this file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { SCHEDULERS } from '../src/schedulers/registry';
import { useBackend } from './helpers/backends';
import { readSamples, runCliInProcess } from './helpers/cli_runs';

const outDir = mkdtempSync(join(tmpdir(), 'tfjs-diffusion-schedulers-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));
beforeAll(() => useBackend('cpu'));

const sampling = SCHEDULERS.filter((entry) => entry.purpose === 'sampling');
const suited = (steps: number, [min, max]: readonly [number, number]) => steps >= min && steps <= max;

test('every entry: the step counts it suits are a range, its default among them', () => {
  for (const entry of SCHEDULERS) {
    const [min, max] = entry.suitedSteps;
    expect([entry.name, Number.isInteger(min) && Number.isInteger(max) && min >= 1 && min <= max]).toEqual([entry.name, true]);
    expect([entry.name, suited(entry.defaultSteps, entry.suitedSteps)]).toEqual([entry.name, true]);
  }
  expect(sampling.map((entry) => entry.name)).toContain('ddim');
});

/** The --json report of a run, checked for a clean exit and no tensor left. */
async function run(args: string[]): Promise<{ report: Record<string, unknown> & { quality: Record<string, number & number[]> }; steps: number }> {
  const before = tf.memory().numTensors;
  const { code, stdout, stderr } = await runCliInProcess(['sample', ...args, '--json']);
  expect([code, stderr]).toEqual([0, '']);
  expect(tf.memory().numTensors).toBe(before);
  const report = JSON.parse(stdout);
  return { report, steps: report.steps };
}

describe.each(sampling.map((entry) => [entry.name, entry] as const))('%s', (name, entry) => {
  test('glyphs, on the Nx and the torch stream: every sample a glyph', async () => {
    const runs = [];
    for (const generator of ['nx', 'torch']) {
      const { report, steps } = await run(['--scheduler', name, '--generator', generator, '--count', '16', '--seed', '3', '--out', join(outDir, `${name}-${generator}.png`)]);
      expect(report).toMatchObject({ scheduler: name, dataset: 'glyphs', generator, steps: entry.defaultSteps, count: 16 });
      if (suited(steps, entry.suitedSteps)) expect(report.quality.shareNearGlyph).toBeGreaterThanOrEqual(0.95);
      runs.push(report);
    }
    // Two streams, two sets of samples.
    expect(readSamples(runs[1].samplesFile as string).values).not.toEqual(readSamples(runs[0].samplesFile as string).values);
  });

  test('ring: samples near the means, every mean about its share (a diffusion model\'s sampler)', async () => {
    const { report, steps } = await run(['--scheduler', name, '--dataset', 'ring', '--count', '800', '--seed', '3', '--out', join(outDir, `${name}-ring.png`)]);
    expect(report).toMatchObject({ scheduler: name, dataset: 'ring', steps: entry.defaultSteps, count: 800 });
    // A consistency sampler's last step returns the exact denoiser's posterior mean at its last
    // timestep, where the ring's modes still blur (see SchedulerEntry.model): no bar for it.
    if (entry.model === 'diffusion' && suited(steps, entry.suitedSteps)) {
      expect(report.quality.shareNearMean).toBeGreaterThanOrEqual(0.95);
      // 100 expected per mean (sd 9.4): within 0.6 and 1.4 of the fair share.
      for (const share of report.quality.sharePerMean) expect(Math.abs(share / 0.125 - 1)).toBeLessThanOrEqual(0.4);
    }
  });
});
