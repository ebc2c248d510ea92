// Reading what comes from outside the store, the server's payloads and the app's bounds, as values
// the reducers can trust.
import { isRecord } from '../core/isRecord'

const empty: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>

/** The payload as a record; an empty one when it is not an object. */
export function asRecord(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : empty
}

/** A usable id from a payload: a non-empty string or a finite number, as a string. */
export function payloadId(value: unknown): string | undefined {
  return (typeof value === 'string' && value !== '') || Number.isFinite(value) ? String(value) : undefined
}

/** A bound as a count of entries: a whole number from 0, or no bound at all when it is not finite. */
export function bound(max: number): number {
  return Number.isFinite(max) ? Math.max(0, Math.floor(max)) : Number.POSITIVE_INFINITY
}
