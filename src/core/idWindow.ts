// The ids of the events delivered last, for telling a repeat: a bounded window, answered in one
// comparison while the server's ids are a growing counter.

/** Bounded memory of event ids. */
export interface IdWindow {
  /** Records `id` and says whether it was there already. The empty id is never recorded nor seen. */
  seen(id: string): boolean
  /** Whether `id` is remembered, without recording it. */
  has(id: string): boolean
}

/**
 * A window over the last `limit` ids recorded: the oldest is forgotten first, so memory stays flat in a
 * page left open for months.
 */
export function createIdWindow(limit = 1000): IdWindow {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new TypeError(
      __DEV__ ? `createIdWindow: limit must be a positive integer, got ${limit}` : 'createIdWindow: invalid limit',
    )
  }
  // The ring remembers the ids in the order they were recorded, so the oldest goes in O(1); its ids
  // are distinct (an id is recorded only when it was not there).
  const ring: string[] = []
  let next = 0
  // Most servers count their ids up. `largest` is the largest value of the digit-only ids recorded:
  // one taken without a lookup raises it, one recorded after a lookup was not above it. So an id whose
  // value is above it was never recorded, and one comparison says so; no Set needs to be kept. The Set
  // is built from the ring for any other id (a replay, ids of another form), and dropped again once
  // `limit` growing ids in a row have gone by.
  let largest = -1
  let recent: Set<string> | null = null
  let growingRun = 0

  function lookup(): Set<string> {
    recent ??= new Set(ring)
    growingRun = 0
    return recent
  }

  function record(id: string): void {
    if (ring.length === limit) recent?.delete(ring[next])
    ring[next] = id
    next = (next + 1) % limit
    recent?.add(id)
  }

  return {
    seen(id: string): boolean {
      if (id === '') return false
      const value = growingValue(id, largest)
      if (value < 0) {
        if (lookup().has(id)) return true
      } else {
        largest = value
        if (recent !== null && ++growingRun >= limit) recent = null
      }
      record(id)
      return false
    },
    has(id: string): boolean {
      return id !== '' && growingValue(id, largest) < 0 && lookup().has(id)
    },
  }
}

/**
 * The value of `id` when it has digits only and that value is above `largest`; otherwise -1. Ids that
 * spell one value differently (`010`, `10`), or that a double cannot tell apart (beyond 2^53), are
 * still different ids: the value only needs to be the same each time for the same id.
 */
function growingValue(id: string, largest: number): number {
  let value = 0
  for (let i = 0; i < id.length; i++) {
    const digit = id.charCodeAt(i) - 48
    if (digit < 0 || digit > 9) return -1
    value = value * 10 + digit
  }
  return value > largest ? value : -1
}
