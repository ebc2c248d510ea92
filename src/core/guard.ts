// Calls code the library does not own (an app's callback) so that a throw is reported, never propagated.

/**
 * Runs `call`; when it throws, hands the thrown value to `onThrow` instead. An app's renderer,
 * listener or popup function that throws must cost only its own message, never the stream.
 *
 * @returns what `call` returned, or `undefined` when it threw
 */
export function guarded<T>(call: () => T, onThrow: (cause: unknown) => void): T | undefined {
  try {
    return call()
  } catch (cause) {
    onThrow(cause)
    return undefined
  }
}
