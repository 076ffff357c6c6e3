/**
 * The package's fast paths, each with an `{ enabled }` switch (fusedKernels, simdNormals,
 * simdTorchRandn), timed against the path they replace: one way to turn one off for a call.
 */

/** Runs `f` (synchronous: the switch is back on when it returns) with `path` switched off. */
export function withSwitchedOff<T>(path: { enabled: boolean }, f: () => T): T {
  path.enabled = false;
  try {
    return f();
  } finally {
    path.enabled = true;
  }
}
