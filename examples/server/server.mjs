// A minimal SSE backend for vue-sse-hub: one stream per request, a bounded history per user, replay
// after the last id the client saw, heartbeats. Node 20+, no dependencies.
// Run it: node examples/server/server.mjs (PORT=… to change the port 8080)
import { createServer } from 'node:http'
import { fileURLToPath } from 'node:url'

/**
 * @param {object} options
 * @param {(token: string) => string | null} options.userOf your login check: the user a token belongs to, or null
 * @param {number} [options.historySize] events kept per user for replay
 * @param {number} [options.heartbeatMs] interval of the `: ping` comments
 */
export function createSseEndpoint({ userOf, historySize = 1000, heartbeatMs = 15_000 }) {
  /** @type {Map<string, { history: { id: number, text: string }[], streams: Set<import('node:http').ServerResponse> }>} */
  const users = new Map()
  // Ids are never reused for a user, not even after a restart: they start from the clock
  // (microseconds), not from 1. Unique as long as the server sends under 1,000 events per millisecond.
  let lastId = Date.now() * 1000

  function userState(user) {
    let state = users.get(user)
    if (!state) users.set(user, (state = { history: [], streams: new Set() }))
    return state
  }

  /** Sends one message to every open stream of `user` and keeps it for replay; returns its id. */
  function push(user, messageType, messageData) {
    const id = (lastId = Math.max(lastId + 1, Date.now() * 1000))
    const text = `id: ${id}\ndata: ${JSON.stringify({ messageType, messageData })}\n\n`
    const { history, streams } = userState(user)
    history.push({ id, text })
    if (history.length > historySize) history.shift()
    for (const res of streams) res.write(text)
    return id
  }

  // Authorization: Bearer (fetch transport), the sse_token cookie (cookie logins), or the token
  // query parameter (eventsource transport, which cannot send headers).
  function tokenOf(req, url) {
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')
    if (bearer) return bearer[1]
    const cookie = /(?:^|;\s*)sse_token=([^;]+)/.exec(req.headers.cookie ?? '')
    if (cookie) return decodeURIComponent(cookie[1])
    return url.searchParams.get('token')
  }

  function openStream(req, res, url, user) {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    })
    res.write('retry: 2000\n\n')
    const { history, streams } = userState(user)
    // Replay only what this client missed. A request without an id is a fresh login or page: it
    // starts from now (old alarms would come back unread and pop up again).
    const last = req.headers['last-event-id'] ?? url.searchParams.get('lastEventId')
    if (typeof last === 'string' && /^\d+$/.test(last)) {
      for (const event of history) if (event.id > Number(last)) res.write(event.text)
    }
    streams.add(res)
    const ping = setInterval(() => res.write(': ping\n\n'), heartbeatMs)
    res.on('close', () => {
      clearInterval(ping)
      streams.delete(res)
    })
  }

  /** Answers `/api/sse`; a 404 for any other path. Mount it in any Node HTTP server. */
  function handle(req, res) {
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (url.pathname !== '/api/sse') return void res.writeHead(404).end()
    const token = tokenOf(req, url)
    const user = token ? userOf(token) : null
    if (!user) {
      res.writeHead(401, { 'Content-Type': 'application/json' })
      return void res.end(JSON.stringify({ detail: 'not signed in or token expired' }))
    }
    openStream(req, res, url, user)
  }

  return { handle, push }
}

// Run directly: two demo users, and POST /api/push {messageType, messageData} to send yourself a
// message. Your business code calls push(user, messageType, messageData) instead.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const demoUsers = new Map([
    ['alice-token', 'alice'],
    ['bob-token', 'bob'],
  ])
  const userOf = (token) => demoUsers.get(token) ?? null
  const sse = createSseEndpoint({ userOf })

  function pushFromRequest(req, res) {
    const user = userOf(/^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '')
    let body = ''
    req.on('data', (chunk) => (body += chunk))
    req.on('end', () => {
      let message = null
      try {
        message = JSON.parse(body)
      } catch {}
      if (!user || typeof message?.messageType !== 'string') {
        res.writeHead(user ? 400 : 401, { 'Content-Type': 'application/json' })
        return res.end(JSON.stringify({ detail: user ? 'expected {"messageType": "…", "messageData": …}' : 'not signed in' }))
      }
      const id = sse.push(user, message.messageType, message.messageData)
      res.writeHead(200, { 'Content-Type': 'application/json' })
      res.end(JSON.stringify({ id }))
    })
  }

  const server = createServer((req, res) =>
    req.method === 'POST' && req.url === '/api/push' ? pushFromRequest(req, res) : sse.handle(req, res),
  )
  server.listen(Number(process.env.PORT ?? 8080), '127.0.0.1', () => {
    console.log(`SSE server on http://127.0.0.1:${server.address().port}/api/sse (tokens: alice-token, bob-token)`)
  })
}
