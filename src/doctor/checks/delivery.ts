// Check: a message the trigger asks for reaches the open stream, promptly.
import { isRecord } from '../../core/isRecord'
import { isOpenStream, mainConnection } from '../observations'
import type { Connection, Observations } from '../observations'
import { finding } from '../result'
import type { Finding } from '../result'
import { eventsOf } from './timeline'
import type { EventArrival } from './timeline'

/** A message later than this after the trigger returned was held back on its way. */
export const LATE_DELIVERY_MS = 1000

/** The first event after the trigger was pulled, and how long after it returned (0 if before). */
export function triggeredArrival(connection: Connection): { event: EventArrival; latency: number; sincePulled: number } | undefined {
  const { trigger, probe } = connection
  if (!trigger?.ok) return undefined
  const pulledAt = trigger.startedAt - probe.startedAt
  const event = eventsOf(probe).find((e) => e.at >= pulledAt)
  if (!event) return undefined
  return { event, latency: Math.max(0, event.at - (trigger.endedAt - probe.startedAt)), sincePulled: event.at - pulledAt }
}

/** With `--trigger`: the message it asks for reaches the open stream, promptly. */
export function checkDelivery(observations: Observations): Finding {
  const main = mainConnection(observations)
  const { trigger, probe } = main
  if (observations.options.trigger === undefined) return finding('delivery', 'skip', 'delivery.noTrigger', {})
  if (!isOpenStream(probe) || !trigger) return finding('delivery', 'skip', 'events.noStream', {})
  if (!trigger.ok) return finding('delivery', 'fail', 'delivery.triggerFailed', { failure: trigger.failure ?? '' })
  const delivered = triggeredArrival(main)
  if (!delivered) {
    return finding('delivery', 'fail', 'delivery.missing', { waited: observations.listenedUntil - (trigger.endedAt - probe.startedAt) })
  }
  const values = { latency: delivered.latency, sincePulled: delivered.sincePulled, type: messageTypeOf(delivered.event.data), id: delivered.event.id ?? '' }
  if (delivered.latency > LATE_DELIVERY_MS) return finding('delivery', 'fail', 'delivery.late', values)
  return finding('delivery', 'pass', 'delivery.ok', values)
}

function messageTypeOf(data: string): string {
  try {
    const parsed: unknown = JSON.parse(data)
    const type = isRecord(parsed) ? parsed.messageType : undefined
    return typeof type === 'string' || typeof type === 'number' ? String(type) : '?'
  } catch {
    return '?'
  }
}
