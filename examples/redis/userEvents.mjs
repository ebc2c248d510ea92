// @ts-check
// Each user's events in one Redis Stream, so that every instance can replay and follow any user's
// stream. Entry ids (`1700000000000-0`) are the SSE ids: Redis makes them unique and increasing per
// stream, on every instance, across restarts of the instances.

/** @typedef {import('redis').RedisClientType} Redis */

/** One stored event: its stream entry id and the JSON text of the SSE `data:` line. */
/** @typedef {{ id: string, data: string }} StoredEvent */

/** Entries kept per user (approximately: `MAXLEN ~` trims whole blocks, never fewer than this). */
export const DEFAULT_MAX_LEN = 1000

/** A user who stays away this long loses the stream key, and with it the history. */
export const DEFAULT_RETENTION_SECONDS = 7 * 24 * 3600

/** @param {string} user */
export function streamKey(user) {
  return `sse:events:${user}`
}

// #region publish
/**
 * Appends one message to the user's stream, from any instance; every instance holding a stream of
 * this user sends it. Resolves with the entry id, which is the SSE id.
 * @param {Redis} redis
 * @param {string} user
 * @param {string} messageType
 * @param {unknown} messageData
 * @param {{ maxLen?: number, retentionSeconds?: number }} [limits]
 * @returns {Promise<string>}
 */
export async function publish(redis, user, messageType, messageData, limits = {}) {
  const key = streamKey(user)
  const data = JSON.stringify({ messageType, messageData })
  const [id] = await redis
    .multi()
    .xAdd(key, '*', { data }, { TRIM: { strategy: 'MAXLEN', strategyModifier: '~', threshold: limits.maxLen ?? DEFAULT_MAX_LEN } })
    .expire(key, limits.retentionSeconds ?? DEFAULT_RETENTION_SECONDS)
    .exec()
  return String(id)
}
// #endregion publish

const STREAM_ID = /^(\d{1,20})-(\d{1,20})$/

/**
 * Compares two complete stream ids (`ms-seq`) as Redis orders them.
 * @param {string} a
 * @param {string} b
 * @returns {number} negative, zero or positive
 */
export function compareIds(a, b) {
  const [, aMs, aSeq] = /** @type {RegExpExecArray} */ (STREAM_ID.exec(a))
  const [, bMs, bSeq] = /** @type {RegExpExecArray} */ (STREAM_ID.exec(b))
  const byMs = BigInt(aMs) - BigInt(bMs)
  const diff = byMs !== 0n ? byMs : BigInt(aSeq) - BigInt(bSeq)
  return diff < 0n ? -1 : diff > 0n ? 1 : 0
}

/** @param {string} id */
function isStreamId(id) {
  const match = STREAM_ID.exec(id)
  return match !== null && BigInt(match[1]) < 2n ** 64n && BigInt(match[2]) < 2n ** 64n
}

// #region resume
/**
 * Where a stream request starts: after the client's last id when Redis knows it, else after the
 * newest entry (live only, no old history). An id that is not a stream id (a client of an older
 * backend) or lies beyond the newest entry (the stream was deleted since) would make `XREAD` wait
 * for entries that never come, so it counts as no id.
 * @param {string} lastEventId `Last-Event-ID` or the `lastEventId` query parameter; '' if none
 * @param {string} newestId the stream's last generated id, '0-0' when it has none
 */
export function resumeAfter(lastEventId, newestId) {
  if (lastEventId !== '' && isStreamId(lastEventId) && compareIds(lastEventId, newestId) <= 0) return lastEventId
  return newestId
}
// #endregion resume

/**
 * Where to start for this request, and whether the client may have missed entries that `MAXLEN`
 * trimmed away since its last id (it was gone longer than the history reaches).
 * @param {Redis} redis
 * @param {string} user
 * @param {string} lastEventId
 * @returns {Promise<{ after: string, trimmed: boolean }>}
 */
export async function startPoint(redis, user, lastEventId) {
  let info
  try {
    info = await redis.xInfoStream(streamKey(user))
  } catch (error) {
    if (error instanceof Error && /no such key/i.test(error.message)) return { after: resumeAfter(lastEventId, '0-0'), trimmed: false }
    throw error
  }
  const after = resumeAfter(lastEventId, String(info['last-generated-id']))
  const first = info['first-entry']?.id
  const everTrimmed = Number(info['entries-added']) > Number(info.length)
  return { after, trimmed: everTrimmed && first !== undefined && compareIds(after, String(first)) < 0 }
}

// #region replay
/**
 * Every stored event after `after` (exclusive), oldest first, in pages of `pageSize`.
 * @param {Redis} redis
 * @param {string} user
 * @param {string} after
 * @param {number} [pageSize]
 * @returns {AsyncGenerator<StoredEvent>}
 */
export async function* replay(redis, user, after, pageSize = 500) {
  for (let from = after; ; ) {
    const page = (await redis.xRange(streamKey(user), `(${from}`, '+', { COUNT: pageSize })) ?? []
    for (const entry of page) yield { id: entry.id, data: String(entry.message.data) }
    if (page.length < pageSize) return
    from = page[page.length - 1].id
  }
}
// #endregion replay

// #region follow
/**
 * Live events after `after`, for as long as the caller keeps reading. `reader` is a connection of
 * its own: `XREAD BLOCK` holds it until an entry arrives. Reading from an explicit id (never `$`)
 * is what leaves no gap: whatever was added since the last read is returned by the next one.
 * @param {Redis} reader
 * @param {string} user
 * @param {string} after
 * @returns {AsyncGenerator<StoredEvent>}
 */
export async function* follow(reader, user, after) {
  const key = streamKey(user)
  for (let from = after; ; ) {
    const reply = await reader.xRead({ key, id: from }, { BLOCK: 0, COUNT: 100 })
    for (const stream of reply ?? []) {
      for (const entry of stream.messages) {
        from = entry.id
        yield { id: entry.id, data: String(entry.message.data) }
      }
    }
  }
}
// #endregion follow
