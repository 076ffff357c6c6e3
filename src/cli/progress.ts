import { SingleBar, Presets } from 'cli-progress';

/** A progress bar over all steps of all chunks, on stdout, or nothing when stdout is not a terminal. */
export function progressBar(enabled: boolean, totalSteps: number, label: string): { update(stepsDone: number): void; stop(): void } {
  if (!enabled) return { update: () => undefined, stop: () => undefined };
  const bar = new SingleBar(
    { format: `${label} {bar} {percentage}% | step {value}/{total} | {duration_formatted}`, stream: process.stdout, hideCursor: true },
    Presets.shades_classic,
  );
  bar.start(totalSteps, 0);
  return { update: (stepsDone) => bar.update(stepsDone), stop: () => bar.stop() };
}
