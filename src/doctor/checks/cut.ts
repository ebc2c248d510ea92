// Check: how a stream that ended on its own ended, and whether a proxy timeout explains it.
import { isOpenStream, mainConnection } from '../observations'
import type { Observations } from '../observations'
import { finding } from '../result'
import type { Finding } from '../result'
import type { CutCause } from './cutCause'
import { lastByteAt } from './timeline'

/** A silence of at least this long before a cut means nothing was flowing. */
const IDLE_MS = 1000
/**
 * How far past whole seconds a timer-made duration lands: timers fire late, never early (the little
 * early allowance is the proxy's last read coming just before the doctor's).
 */
const ROUND_LATE_MS = 150
const ROUND_EARLY_MS = 50

/** The stream should stay open for the whole listen window; if it was cut, say when and likely why. */
export function checkCut(observations: Observations): Finding {
  const { options } = observations
  const { probe } = mainConnection(observations)
  if (!isOpenStream(probe)) return finding('cut', 'skip', 'events.noStream', {})
  const end = probe.end
  const openedAt = probe.response?.at ?? 0
  if (!end || end.kind === 'closed' || end.kind === 'failed') {
    return finding('cut', 'pass', 'cut.none', { listened: observations.listenedUntil - openedAt })
  }
  const open = end.at - openedAt
  const silence = end.at - lastByteAt(probe)
  if (probe.chunks.length === 0 && open < IDLE_MS) return finding('cut', 'fail', 'cut.immediate', { after: open })
  const cause = causeOf(open, silence, end.kind === 'dropped', options.proxyTimeoutMs)
  const values = { after: open, silence, dropped: end.kind === 'dropped', cause, proxyTimeout: options.proxyTimeoutMs }
  return finding('cut', cause === 'proxy' || cause === 'idle' ? 'fail' : 'warn', 'cut.cut', values)
}

function causeOf(open: number, silence: number, dropped: boolean, proxyTimeout: number): CutCause {
  if (Math.abs(silence - proxyTimeout) <= Math.max(500, proxyTimeout * 0.02)) return 'proxy'
  if (silence >= IDLE_MS && (dropped || isRound(silence))) return 'idle'
  if (silence < IDLE_MS && isRound(open)) return 'total'
  return 'server'
}

/** Close to a whole number of seconds (one at least). */
function isRound(ms: number): boolean {
  const seconds = Math.round(ms / 1000)
  const off = ms - seconds * 1000
  return seconds >= 1 && off >= -ROUND_EARLY_MS && off <= ROUND_LATE_MS
}
