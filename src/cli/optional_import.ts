/**
 * Optional packages, imported when a flag needs them and not before: the command line runs on
 * cpu with only what `npm i tfjs-diffusion-schedulers @tensorflow/tfjs` installs.
 */

/** An optional package is not installed: exit code 1 and one line naming it (the arguments were fine). */
export class MissingPackageError extends Error {
  override readonly name = 'MissingPackageError';
}

/** Whether `error` says that `name` itself cannot be found (not one of its own dependencies). */
function isMissing(error: unknown, name: string): boolean {
  const code = (error as { code?: string } | null)?.code;
  return (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') && String((error as Error).message).includes(`'${name}'`);
}

/**
 * Imports `name` (a name in a variable, so that neither TypeScript nor the bundler resolves
 * it), or throws a MissingPackageError saying what needs it and how to install it; `hint` is
 * added to the message.
 */
export async function importOptional<T>(name: string, purpose: string, hint = ''): Promise<T> {
  try {
    return (await import(name)) as T;
  } catch (error) {
    if (!isMissing(error, name)) throw error;
    throw new MissingPackageError(`${purpose} needs ${name}, which is not installed: run \`npm i ${name}\`${hint ? ` (${hint})` : ''}`);
  }
}
