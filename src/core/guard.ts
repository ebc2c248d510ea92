// Calls code the library does not own (an app's callback) so that a throw is reported, never propagated.

/**
 * Runs `call`; when it throws, hands the thrown value to `onThrow` instead. An app's renderer,
 * listener, callback or popup function that throws must cost only its own message, never the stream.
 * `onThrow` is often the app's own error callback: what it throws in turn is dropped, as nothing is
 * left to tell.
 *
 * @returns what `call` returned, or `undefined` when it threw
 */
export function guarded<T>(call: () => T, onThrow?: (cause: unknown) => void): T | undefined {
  try {
    return call()
  } catch (cause) {
    try {
      onThrow?.(cause)
    } catch {
      // The reporter itself threw.
    }
    return undefined
  }
}
