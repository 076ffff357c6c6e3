/** Cancellation of the sampling loop through an AbortSignal. */

/** An error named 'AbortError' for an aborted signal: its reason if it is one, else a new one. */
function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  // By name, not instanceof: the reason may come from another realm (a worker, a test VM).
  if (typeof reason === 'object' && reason !== null && (reason as Error).name === 'AbortError') return reason as Error;
  const message = reason === undefined ? 'sample() was aborted' : `sample() was aborted: ${String(reason)}`;
  if (typeof DOMException === 'function') return new DOMException(message, 'AbortError');
  return Object.assign(new Error(message), { name: 'AbortError' });
}

/** Throws the AbortError of `signal` when it has been aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal);
}

/**
 * The value of `pending` (a call of the caller's: the denoiser, onStep), or the signal's
 * AbortError as soon as it aborts, whichever comes first: a model call that never settles
 * cannot hold the loop. What the call gives after the abort goes to `abandon` (to dispose it);
 * a rejection after the abort is dropped.
 */
export function raceAbort<T>(pending: T | Promise<T>, signal: AbortSignal | undefined, abandon: (late: T) => void): Promise<T> {
  const call = Promise.resolve(pending);
  if (signal === undefined) return call;
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const onAbort = () => {
      settled = true;
      reject(abortError(signal));
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    call.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        if (settled) abandon(value);
        else resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        if (!settled) reject(error);
      },
    );
  });
}
