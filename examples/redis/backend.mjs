// @ts-check
// The HTTP endpoints of one instance. Nothing here lives only in this process except the open
// responses: tokens and events are in Redis, so a round-robin proxy may send any request anywhere.
import { timingSafeEqual } from 'node:crypto'
import { publish } from './userEvents.mjs'
import { COOKIE_NAME, TOKEN_TTL_SECONDS, login, logout, tokenOf, userOf } from './sessions.mjs'
import { serveUserStream } from './userStream.mjs'

/** @typedef {import('redis').RedisClientType} Redis */
/** @typedef {import('node:http').IncomingMessage} IncomingMessage */
/** @typedef {import('node:http').ServerResponse} ServerResponse */

/**
 * @typedef {object} BackendOptions
 * @property {Redis} redis
 * @property {string} instance name in logs and in `/api/health`
 * @property {number} heartbeatMs
 * @property {number} retryMs
 * @property {string} internalToken Bearer token of `/api/publish` and `/api/health`; '' turns them off
 * @property {{ maxLen?: number, retentionSeconds?: number }} limits history kept per user
 * @property {(message: string) => void} log
 */

const BODY_LIMIT = 64 * 1024

class HttpError extends Error {
  /** @param {number} status @param {string} detail */
  constructor(status, detail) {
    super(detail)
    this.status = status
  }
}

/**
 * @param {ServerResponse} res
 * @param {number} status
 * @param {unknown} body
 * @param {Record<string, string>} [headers]
 */
function sendJson(res, status, body, headers = {}) {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...headers })
  res.end(text)
}

/**
 * @param {IncomingMessage} req
 * @returns {Promise<Record<string, unknown>>}
 */
async function readJson(req) {
  req.setEncoding('utf8') // a character split across chunks stays whole
  let text = ''
  for await (const chunk of req) {
    text += chunk
    if (text.length > BODY_LIMIT) throw new HttpError(413, `body over ${BODY_LIMIT} bytes`)
  }
  let value
  try {
    value = text.trim() === '' ? {} : JSON.parse(text)
  } catch {
    throw new HttpError(400, 'body is not JSON')
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new HttpError(400, 'body is not a JSON object')
  return value
}

/**
 * @param {unknown} value
 * @param {string} name
 */
function requireText(value, name) {
  if (typeof value !== 'string' || value === '' || value.length > 200) throw new HttpError(400, `${name}: a non-empty string up to 200 characters`)
  return value
}

/** @param {BackendOptions} options */
export function createBackend(options) {
  const { redis, instance, log } = options
  /** @type {Map<string, number>} open streams of this instance, by user */
  const open = new Map()
  /** @type {Set<ServerResponse>} */
  const responses = new Set()

  /** @param {IncomingMessage} req */
  function requireInternal(req) {
    if (options.internalToken === '') throw new HttpError(403, 'internal endpoints are off: set INTERNAL_TOKEN')
    const given = Buffer.from(/^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '')
    const expected = Buffer.from(options.internalToken)
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new HttpError(401, 'internal token required')
  }

  /**
   * @param {IncomingMessage} req
   * @param {ServerResponse} res
   * @param {URL} url
   * @param {AbortSignal} closed
   */
  async function stream(req, res, url, closed) {
    const user = await userOf(redis, tokenOf(req, url))
    if (user === null) throw new HttpError(401, 'not logged in or token expired')
    const header = req.headers['last-event-id']
    const lastEventId = (typeof header === 'string' ? header : url.searchParams.get('lastEventId')) ?? ''
    if (closed.aborted) return
    open.set(user, (open.get(user) ?? 0) + 1)
    responses.add(res)
    closed.addEventListener('abort', () => {
      const left = (open.get(user) ?? 1) - 1
      if (left > 0) open.set(user, left)
      else open.delete(user)
      responses.delete(res)
    })
    const { heartbeatMs, retryMs } = options
    await serveUserStream(res, { redis, user, lastEventId: lastEventId.trim(), heartbeatMs, retryMs, log, closed })
  }

  /**
   * @param {IncomingMessage} req
   * @param {ServerResponse} res
   * @param {URL} url
   * @param {AbortSignal} closed
   */
  async function route(req, res, url, closed) {
    const endpoint = `${req.method} ${url.pathname}`
    switch (endpoint) {
      case 'GET /api/sse':
      case 'POST /api/sse':
        return stream(req, res, url, closed)
      case 'POST /api/login': {
        const username = requireText((await readJson(req)).username, 'username')
        const token = await login(redis, username)
        const cookie = `${COOKIE_NAME}=${token}; Path=/; Max-Age=${TOKEN_TTL_SECONDS}; HttpOnly; SameSite=Lax`
        return sendJson(res, 200, { token, username }, { 'Set-Cookie': cookie })
      }
      case 'POST /api/logout': {
        const token = tokenOf(req, url)
        if (token) await logout(redis, token)
        return sendJson(res, 200, { ok: true }, { 'Set-Cookie': `${COOKIE_NAME}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax` })
      }
      case 'POST /api/publish': {
        requireInternal(req)
        const body = await readJson(req)
        const id = await publish(redis, requireText(body.user, 'user'), requireText(body.messageType, 'messageType'), body.messageData ?? null, options.limits)
        return sendJson(res, 200, { id })
      }
      case 'GET /api/health':
        requireInternal(req)
        return sendJson(res, 200, { instance, streams: Object.fromEntries(open) })
      default:
        throw new HttpError(404, `no endpoint ${endpoint}`)
    }
  }

  return {
    /**
     * The request handler for `http.createServer`.
     * @param {IncomingMessage} req
     * @param {ServerResponse} res
     */
    handle(req, res) {
      const url = new URL(req.url ?? '/', 'http://localhost')
      // Watched from the first moment: a client may leave while the request still waits on Redis.
      const closed = new AbortController()
      res.once('close', () => closed.abort())
      route(req, res, url, closed.signal).catch((error) => {
        if (res.headersSent) return res.end()
        if (error instanceof HttpError) return sendJson(res, error.status, { detail: error.message })
        // Redis is unreachable or failing: a 5xx the client retries after a while, not an answer.
        log(`${req.method} ${url.pathname} failed: ${error instanceof Error ? error.message : String(error)}`)
        sendJson(res, 503, { detail: 'service unavailable' }, { 'Retry-After': '2' })
      })
    },
    /** How many streams this instance holds now. */
    get openStreams() {
      return responses.size
    },
    /** Ends every open stream; each client resumes from its last id, on another instance if this one goes. */
    endStreams() {
      for (const res of responses) res.end()
    },
  }
}
