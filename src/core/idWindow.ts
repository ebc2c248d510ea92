/**
 * Bounded memory of recently seen message ids: `seen(id)` records the id and returns whether it was
 * already there. The empty id (server sends no ids) is never a duplicate and is not recorded.
 */
export function createIdWindow(limit = 1000): { seen(id: string): boolean } {
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
  }
}
