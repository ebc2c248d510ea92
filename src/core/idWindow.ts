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
  // The Set answers lookups; the ring remembers insertion order, so the oldest id goes in O(1)
  // (taking the first value of a Set skips every slot deleted before it).
  const recent = new Set<string>()
  const ring: string[] = []
  let next = 0
  return {
    seen(id: string): boolean {
      if (id === '') return false
      if (recent.has(id)) return true
      if (ring.length === limit) recent.delete(ring[next])
      ring[next] = id
      next = (next + 1) % limit
      recent.add(id)
      return false
    },
    has(id: string): boolean {
      return recent.has(id)
    },
  }
}
