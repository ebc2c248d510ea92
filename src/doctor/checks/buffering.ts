// Check: events arrive one by one, not in bursts released by a buffering proxy.
import { isOpenStream, mainConnection } from '../observations'
import type { Observations } from '../observations'
import { finding } from '../result'
import type { Finding } from '../result'
import { LATE_DELIVERY_MS, triggeredArrival } from './delivery'
import { burstsOf } from './timeline'
/** Silence before a burst that makes it look released rather than sent. */
const HELD_SILENCE_MS = 1000
/** Units in one burst that make it look like a released buffer. */
const BURST_UNITS = 3

/**
 * Something between (a proxy that buffers, compression) holds events back and releases them in
 * bursts. The evidence, strongest first: the trigger's message came late; two heartbeats arrived at
 * once (no server sends two pings together); the answer itself came late, with several events;
 * events keep arriving in bunches after silences.
 */
export function checkBuffering(observations: Observations): Finding {
  const main = mainConnection(observations)
  const { probe } = main
  if (!isOpenStream(probe)) return finding('buffering', 'skip', 'events.noStream', {})
  const delivered = triggeredArrival(main)
  if (delivered && delivered.latency > LATE_DELIVERY_MS) {
    return finding('buffering', 'fail', 'buffering.triggerLate', { latency: delivered.latency })
  }
  const bursts = burstsOf(probe)
  // After a real silence only: a doctor whose own event loop stalled reads queued pings at once too.
  const pings = bursts.find((b) => b.comments >= 2 && b.silenceBefore >= HELD_SILENCE_MS)
  if (pings) return finding('buffering', 'fail', 'buffering.pingsTogether', { comments: pings.comments, units: pings.units, silence: pings.silenceBefore })
  const first = bursts[0]
  const answerAt = probe.response?.at ?? 0
  if (first && answerAt >= HELD_SILENCE_MS && first.start - answerAt < 50 && first.units >= 2) {
    return finding('buffering', 'fail', 'buffering.lateAnswer', { answerAt, units: first.units })
  }
  const bunched = bursts.filter((b) => b.units >= BURST_UNITS && b.silenceBefore >= HELD_SILENCE_MS)
  if (bunched.length >= 2) {
    return finding('buffering', 'warn', 'buffering.bunched', { bursts: bunched.length, largest: Math.max(...bunched.map((b) => b.units)) })
  }
  if (bursts.length < 2 && !delivered) return finding('buffering', 'skip', 'buffering.tooLittle', { trigger: observations.options.trigger !== undefined })
  return finding('buffering', 'pass', 'buffering.ok', { bursts: bursts.length, largest: Math.max(0, ...bursts.map((b) => b.units)) })
}
