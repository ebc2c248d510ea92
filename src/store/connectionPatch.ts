// The connection state as the hub reports it: plain fields only, and an error equal to the standing
// one changes nothing.
import { errorInfo } from '../core/errors'
import type { SseErrorInfo } from '../core/errors'
import { createConnectionSnapshot } from './state'
import type { ConnectionSnapshot } from './state'

const connectionKeys = Object.keys(createConnectionSnapshot()) as Array<keyof ConnectionSnapshot>

/** Sets the fields the patch has; keys that are no connection field are ignored. */
export function patchConnection(conn: ConnectionSnapshot, patch: Partial<ConnectionSnapshot>): void {
  for (const key of connectionKeys) {
    // A key the patch does not have reads as undefined, and undefined is never set.
    const value = key === 'error' ? patch.error && errorInfo(patch.error) : patch[key]
    if (value === undefined) continue
    // Every state change repeats the standing error in a new object: an equal one changes nothing.
    if (key === 'error' && sameError(conn.error, value as SseErrorInfo | null)) continue
    ;(conn as unknown as Record<string, unknown>)[key] = value
  }
}

function sameError(a: SseErrorInfo | null, b: SseErrorInfo | null): boolean {
  if (a === null || b === null) return a === b
  return a.kind === b.kind && a.message === b.message && a.status === b.status && a.messageType === b.messageType
}
