// One login's resume point and the ids it delivered: every event is admitted once, by its own id.
import { createIdWindow } from './idWindow'
import type { IdWindow } from './idWindow'

/**
 * What one login's tabs have delivered: the ids of the events already seen and the resume point, the
 * id the next stream request sends. Every event is admitted here once, by its own id, whatever path
 * brought it: the tab's own stream (fetch or EventSource), a relay from the leader tab, a server's
 * replay after a reconnect or a failover.
 */
export interface ResumePoint {
  /** The id to resume from: the last one delivered; '' before any. */
  readonly id: string
  /**
   * An event arrives. `eventId` is its own `id:` field (undefined when it had none), `streamId` the
   * stream's last event id with it. Returns false when the event was delivered before: drop it.
   * The resume point moves on to `streamId`, never back to an id delivered earlier.
   */
  admit(eventId: string | undefined, streamId: string): boolean
  /** The group's resume point, handed over with a snapshot: taken unless this tab delivered it already. */
  handOver(id: string): void
  /** A new login: nothing delivered yet. */
  reset(): void
}

/** @param limit ids remembered for dropping repeats (a replay after a failover is far shorter). */
export function createResumePoint(limit = 1000): ResumePoint {
  let window: IdWindow = createIdWindow(limit)
  let id = ''

  // An id already seen is an earlier one (a replay, or a leader that resumed from further back).
  function moveTo(next: string): void {
    if (next === '' || next === id || window.has(next)) return
    window.seen(next)
    id = next
  }

  return {
    get id() {
      return id
    },
    admit(eventId, streamId) {
      if (eventId === undefined) {
        // No id of its own: never a repeat. The stream's id may still have moved (a block with an id
        // and no data).
        moveTo(streamId)
        return true
      }
      if (eventId === '') {
        // `id:` with no value: the server resets the stream's id, as the spec says.
        id = ''
        return true
      }
      if (window.seen(eventId)) return false
      id = eventId
      return true
    },
    handOver: moveTo,
    reset() {
      window = createIdWindow(limit)
      id = ''
    },
  }
}
