/** Cancellation of the sampling loop through an AbortSignal. */

/** An error named 'AbortError' for an aborted signal: its reason if it is one, else a new one. */
export function abortError(signal: AbortSignal): Error {
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
