// Check: the longest silence against the client's heartbeat timeout and a proxy's read timeout.
import { isOpenStream, mainConnection } from '../observations'
import type { Observations } from '../observations'
import { finding } from '../result'
import type { Finding } from '../result'
import { longestSilence } from './timeline'

/**
 * The longest silence of the listened stream against the client's `heartbeatTimeout` (it aborts after
 * that long without a byte) and a proxy's read timeout (it cuts the stream).
 */
export function checkHeartbeat(observations: Observations): Finding {
  const { options, listenedUntil } = observations
  const { probe } = mainConnection(observations)
  if (!isOpenStream(probe)) return finding('heartbeat', 'skip', 'events.noStream', {})
  const silence = longestSilence(probe, listenedUntil)
  const comments = probe.arrivals.filter((a) => a.kind === 'comment').length
  const limit = Math.min(options.heartbeatTimeoutMs, options.proxyTimeoutMs)
  const observed = listenedUntil - (probe.response?.at ?? 0)
  const values = {
    longest: silence.ms,
    from: silence.from,
    comments,
    heartbeatTimeout: options.heartbeatTimeoutMs,
    proxyTimeout: options.proxyTimeoutMs,
    listened: observed,
  }
  if (silence.ms >= limit) return finding('heartbeat', 'fail', 'heartbeat.tooQuiet', values)
  if (comments === 0 && observed < limit) return finding('heartbeat', 'warn', 'heartbeat.unseen', values)
  if (silence.ms > limit / 2) return finding('heartbeat', 'warn', 'heartbeat.close', values)
  return finding('heartbeat', 'pass', 'heartbeat.ok', values)
}
