// How long to wait before a reconnect: jittered exponential backoff, and the server's Retry-After header
// read as a delay.
import type { ReconnectOptions } from './connectionOptions'

/**
 * Smallest base taken from a server's `retry:`: with `retry: 0` the delay could never grow, and a
 * failing server would be asked again in a tight loop by every client.
 */
export const MIN_SERVER_RETRY = 100

/**
 * Delay before reconnection attempt `attempt` (1 = first retry), in ms: jittered exponential
 * backoff. The server's `retry:` value, when known, replaces `initialDelay` as the base (at least
 * {@link MIN_SERVER_RETRY} ms).
 *
 * cap = min(maxDelay, base * factor^(attempt - 1)); the delay is drawn from [cap * (1 - jitter), cap].
 */
export function backoffDelay(
  attempt: number,
  serverRetry: number | null | undefined,
  options: Required<ReconnectOptions>,
  random: () => number = Math.random,
): number {
  const base = serverRetry == null ? options.initialDelay : Math.max(MIN_SERVER_RETRY, serverRetry)
  const exponent = Math.max(0, attempt - 1)
  const cap = Math.max(0, Math.min(options.maxDelay, base * options.factor ** exponent))
  const jitter = Math.min(1, Math.max(0, options.jitter))
  return Math.round(cap * (1 - jitter * random()))
}

/**
 * `Retry-After` header value to ms from now: delta-seconds or an HTTP date. `null` when absent or
 * unreadable, so the caller falls back to its own backoff.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | null {
  const text = value?.trim() ?? ''
  if (/^\d+$/.test(text)) return Number(text) * 1000
  // An HTTP date always names its month; this keeps `Date.parse` from reading '-5' as a year.
  if (!/[a-z]{3}/i.test(text)) return null
  const date = Date.parse(text)
  return Number.isNaN(date) ? null : Math.max(0, date - now)
}
