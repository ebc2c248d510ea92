// @ts-check
// One user's SSE response on one instance: replay from Redis after the client's last id, then live
// entries as they are added, with this instance's own heartbeats in between.
import { once } from 'node:events'
import { follow, replay, startPoint } from './userEvents.mjs'

/** @typedef {import('redis').RedisClientType} Redis */
/** @typedef {import('node:http').ServerResponse} ServerResponse */

/**
 * @typedef {object} StreamOptions
 * @property {Redis} redis shared connection for short commands (XINFO, XRANGE)
 * @property {string} user whose stream to send
 * @property {string} lastEventId the client's last id ('' on a fresh login)
 * @property {number} heartbeatMs interval of `: ping` comments
 * @property {number} retryMs the `retry:` sent when the stream opens
 * @property {(message: string) => void} log
 * @property {AbortSignal} closed aborted when the response closes (the client left)
 */

const SSE_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache',
  Connection: 'keep-alive',
  'X-Accel-Buffering': 'no',
}

class ResponseClosed extends Error {}

/**
 * Writes `text`, waiting while the socket's buffer is full, so a slow client slows its own reads from
 * Redis instead of piling events up in this process.
 * @param {ServerResponse} res
 * @param {AbortSignal} closed
 * @param {string} text
 */
async function write(res, closed, text) {
  if (closed.aborted) throw new ResponseClosed()
  if (res.write(text)) return
  try {
    await once(res, 'drain', { signal: closed })
  } catch {
    throw new ResponseClosed()
  }
}

/**
 * Serves the stream until the client goes away or Redis fails; either way the response ends and the
 * client resumes from its last id, through whichever instance the proxy picks. Rejects, with nothing
 * written, when Redis fails before the stream opens.
 * @param {ServerResponse} res
 * @param {StreamOptions} options
 */
export async function serveUserStream(res, { redis, user, lastEventId, heartbeatMs, retryMs, log, closed }) {
  if (closed.aborted) return
  // XREAD BLOCK holds its connection until an entry arrives: every open stream has its own. It never
  // reconnects: when Redis goes away the stream ends and the client resumes, here or elsewhere.
  const reader = redis.duplicate({ socket: { ...redis.options?.socket, reconnectStrategy: false } })
  reader.on('error', () => {}) // a broken connection fails the pending XREAD, handled below
  closed.addEventListener('abort', () => reader.destroy(), { once: true }) // ends a pending XREAD at once
  let start
  try {
    await reader.connect()
    start = await startPoint(redis, user, lastEventId)
  } catch (error) {
    reader.destroy()
    throw error // answered 503 before the stream opens: the client backs off and tries again
  }
  if (closed.aborted) return // the client left while we asked Redis

  res.writeHead(200, SSE_HEADERS)
  res.write(`retry: ${retryMs}\n\n`)
  // The client was away longer than the history reaches: say so to whoever reads the raw stream.
  if (start.trimmed) res.write(`: history after ${start.after} was trimmed\n\n`)
  const ping = setInterval(() => res.write(': ping\n\n'), heartbeatMs)
  log(`stream for ${user} opened after ${start.after}`)

  let after = start.after
  try {
    for await (const event of replay(redis, user, after)) {
      await write(res, closed, `id: ${event.id}\ndata: ${event.data}\n\n`)
      after = event.id
    }
    for await (const event of follow(reader, user, after)) {
      await write(res, closed, `id: ${event.id}\ndata: ${event.data}\n\n`)
    }
  } catch (error) {
    if (!closed.aborted) log(`stream for ${user} failed: ${error instanceof Error ? error.message : String(error)}`)
  } finally {
    clearInterval(ping)
    reader.destroy()
    res.end()
    log(`stream for ${user} closed`)
  }
}
