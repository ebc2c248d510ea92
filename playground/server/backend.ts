import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http'
import { garbageBytes, parseFault } from './faults.ts'
import type { FaultSpec } from './faults.ts'
import type { Middleware } from './http.ts'
import { parseCookies, readJson, requestUrl, sendJson } from './http.ts'
import { createSimulator, isSimulatedCalcKind } from './simulator.ts'
import type { Simulator, SimulatorOptions } from './simulator.ts'
import { createTokenStore } from './tokens.ts'
import type { TokenStore } from './tokens.ts'

export interface MockBackendOptions {
  /**
   * Path prefix of every endpoint.
   * @default '/api'
   */
  basePath?: string
  /**
   * Interval of `: ping` comments on every stream, in ms; 0 disables them.
   * @default 15000
   */
  heartbeatMs?: number
  /**
   * `retry:` value sent when a stream opens, in ms; null sends none.
   * @default 1000
   */
  retryMs?: number | null
  /**
   * Also send a `: connected` comment when a stream opens with `retry:`. The client counts a stream as
   * good (its failure streak, and so its backoff, starts over) at the first event or comment: without
   * it, that waits for the first ping, and a failure before then is backed off as if the stream had
   * never opened.
   * @default false
   */
  greeting?: boolean
  /**
   * Events kept per user for replay from `Last-Event-ID`.
   * @default 1000
   */
  replaySize?: number
  /**
   * Event ids continue from this number (the first event gets `firstId + 1`). A server that restarts
   * must not reuse ids its clients have seen: they drop an event whose id they already had.
   * @default 0
   */
  firstId?: number
  /**
   * Streams require a valid token; when false, anonymous streams belong to user `'anonymous'`.
   * @default true
   */
  requireAuth?: boolean
  /**
   * A second stream of the same user replaces the first (`'replace'`), gets 409 (`'reject'`), or is
   * served alongside it (`'allow'`, so tests can count every stream a browser opens).
   * @default 'replace'
   */
  duplicate?: DuplicatePolicy
  /**
   * Lifetime of tokens issued by `POST /login`, in ms.
   * @default Infinity
   */
  tokenTtlMs?: number
  /**
   * Timing of the calc simulator.
   * @default {}
   */
  simulator?: SimulatorOptions
}

/** What the server does with a second stream of the same user. */
export type DuplicatePolicy = 'replace' | 'reject' | 'allow'

/** One stream request as the server saw it. */
export interface StreamRequestRecord {
  method: string
  /** Path and query. */
  url: string
  /** Lower-cased request headers. */
  headers: IncomingHttpHeaders
  /** `Last-Event-ID` header, else the `lastEventId` query parameter, else null. */
  lastEventId: string | null
  /** The `Authorization` header, if any. */
  authorization: string | null
  /** The token found (header, cookie or query), if any. */
  token: string | null
  /** The user the token stands for, when valid. */
  user: string | null
  /** Status answered; 0 when the connection was refused. */
  status: number
  /** When the request arrived (ms since epoch). */
  time: number
  /** Id of the last event sent (to anyone) when the request arrived: a stream without a resume id gets what follows. */
  sentBefore: number
}

/** The mock SSE backend: streams, tokens, replay, fault injection and observability. */
export interface MockBackend {
  /** Connect-style handler of every endpoint; calls `next()` for other paths (or answers 404 without it). */
  readonly middleware: Middleware
  /** Pushes a `{messageType, messageData}` event to a user's streams (or `'all'`); returns its id. */
  send(user: string, messageType: string, messageData: unknown): string
  /** Pushes an event whose data is `data` as is (one `data:` line per line); returns its id. */
  sendData(user: string, data: string, event?: string): string
  /** Writes text or bytes to live streams as they are: no id, not kept for replay. */
  sendRaw(chunk: string | Uint8Array, user?: string): void
  /** Injects a fault (see {@link FaultSpec}); returns the event id for faults that send one. */
  fault(spec: FaultSpec): string | null
  /** Issued tokens: issue, register, revoke, expire. */
  readonly tokens: TokenStore
  /** Calc, SCADA, alarm and anomaly simulator. */
  readonly simulator: Simulator
  /** Live stream responses. */
  readonly openConnections: number
  /** Most simultaneous live streams since creation or `reset()`. */
  readonly peakConnections: number
  /** Live streams of one user. */
  connectionsOf(user: string): number
  /** Every stream request, oldest first. */
  readonly requests: StreamRequestRecord[]
  /** Id of the last event sent; '0' before any. */
  readonly lastId: string
  /** Changes the ping interval of every stream (0 = off). */
  setHeartbeat(ms: number): void
  /** Changes the policy for a second stream of the same user, for the next streams. */
  setDuplicate(policy: DuplicatePolicy): void
  /** Resolves once `predicate()` is true; rejects after `timeoutMs` (default 5000). */
  waitFor(predicate: () => boolean, timeoutMs?: number, what?: string): Promise<void>
  /** Ends every stream cleanly (the client sees the stream end). */
  endStreams(): void
  /** Forgets faults, requests and the peak count (tokens, events and streams stay). */
  reset(): void
  /** Stops timers and destroys every stream. */
  close(): void
}

interface Stream {
  user: string
  res: ServerResponse
  stalled: boolean
  /** Writes waiting behind a byte-by-byte write. */
  queue: Array<{ bytes: Buffer; bytewise: boolean }>
  pumping: boolean
}

interface StoredEvent {
  id: number
  text: string
}

const SSE_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache',
  Connection: 'keep-alive',
  'X-Accel-Buffering': 'no',
}

export function createMockBackend(options: MockBackendOptions = {}): MockBackend {
  const basePath = (options.basePath ?? '/api').replace(/\/$/, '')
  const retryMs = options.retryMs === undefined ? 1000 : options.retryMs
  const replaySize = options.replaySize ?? 1000
  const requireAuth = options.requireAuth ?? true
  let duplicate: DuplicatePolicy = options.duplicate ?? 'replace'
  const tokens = createTokenStore()

  const streams = new Set<Stream>()
  const history = new Map<string, StoredEvent[]>()
  const requests: StreamRequestRecord[] = []
  const statusFaults: Array<{ status: number; count: number; detail?: string; retryAfter?: string | number }> = []
  let contentTypeFaults = 0
  let bytewiseMessages = 0
  let downUntil = 0
  let peak = 0
  let seq = options.firstId ?? 0
  let heartbeatTimer: ReturnType<typeof setInterval> | undefined

  const send = (user: string, messageType: string, messageData: unknown): string =>
    sendData(user, JSON.stringify({ messageType, messageData }))
  const simulator = createSimulator(send, options.simulator)

  setHeartbeat(options.heartbeatMs ?? 15_000)

  function setHeartbeat(ms: number): void {
    if (heartbeatTimer !== undefined) clearInterval(heartbeatTimer)
    heartbeatTimer = undefined
    if (ms > 0) {
      heartbeatTimer = setInterval(() => {
        for (const stream of streams) write(stream, ': ping\n\n')
      }, ms)
      heartbeatTimer.unref()
    }
  }

  // --- writing ----------------------------------------------------------------------------------

  function write(stream: Stream, chunk: string | Uint8Array, bytewise = false): void {
    if (stream.stalled || !writable(stream)) return
    if (!bytewise && !stream.pumping) {
      stream.res.write(chunk)
      return
    }
    stream.queue.push({ bytes: Buffer.from(chunk), bytewise })
    if (!stream.pumping) void pump(stream)
  }

  /** Drains a stream's queue, one byte per write (and per event-loop turn) for bytewise items. */
  async function pump(stream: Stream): Promise<void> {
    stream.pumping = true
    while (stream.queue.length > 0) {
      const item = stream.queue.shift()!
      if (!item.bytewise) {
        if (writable(stream) && !stream.stalled) stream.res.write(item.bytes)
        continue
      }
      for (const byte of item.bytes) {
        if (!writable(stream) || stream.stalled) break
        stream.res.write(Buffer.of(byte))
        await new Promise<void>((resolve) => setTimeout(resolve, 0))
      }
    }
    stream.pumping = false
  }

  function writable(stream: Stream): boolean {
    return !stream.res.destroyed && !stream.res.writableEnded
  }

  /** Ends or destroys a stream and forgets it at once (its 'close' event comes later). */
  function finish(stream: Stream, how: 'end' | 'destroy'): void {
    streams.delete(stream)
    if (how === 'end') stream.res.end()
    else stream.res.destroy()
  }

  function targets(user: string): Stream[] {
    return [...streams].filter((stream) => user === 'all' || stream.user === user)
  }

  function remember(user: string, event: StoredEvent): void {
    const users = user === 'all' ? new Set([...history.keys(), ...[...streams].map((s) => s.user)]) : [user]
    for (const name of users) {
      let list = history.get(name)
      if (!list) history.set(name, (list = []))
      list.push(event)
      if (list.length > replaySize) list.splice(0, list.length - replaySize)
    }
  }

  function sendData(user: string, data: string, event?: string): string {
    const id = ++seq
    const lines = data.split(/\r\n|\r|\n/).map((line) => `data: ${line}\n`)
    const text = `id: ${id}\n${event ? `event: ${event}\n` : ''}${lines.join('')}\n`
    remember(user, { id, text })
    const bytewise = bytewiseMessages > 0
    if (bytewise) bytewiseMessages--
    for (const stream of targets(user)) write(stream, text, bytewise)
    return String(id)
  }

  function sendRaw(chunk: string | Uint8Array, user = 'all'): void {
    for (const stream of targets(user)) write(stream, chunk)
  }

  // --- faults -----------------------------------------------------------------------------------

  function fault(spec: FaultSpec): string | null {
    switch (spec.kind) {
      case 'drop': {
        // Half of what looks like the next event: an id line and a cut JSON line.
        const half = `id: ${seq + 1}\ndata: {"messageType":"4","messageData":{"tit`
        for (const stream of [...streams]) {
          // Forgotten first, so that nothing written after the half event can complete it.
          streams.delete(stream)
          if (!writable(stream)) continue
          stream.res.write(half, () => stream.res.destroy())
        }
        return null
      }
      case 'stall':
        for (const stream of streams) stream.stalled = true
        return null
      case 'status':
        statusFaults.push({
          status: spec.status,
          count: spec.count ?? 1,
          detail: spec.detail,
          retryAfter: spec.retryAfter,
        })
        return null
      case 'content-type':
        contentTypeFaults += spec.count ?? 1
        return null
      case 'garbage':
        sendRaw(garbageBytes())
        return null
      case 'byte-by-byte':
        bytewiseMessages += spec.count ?? 3
        return null
      case 'big': {
        const size = spec.size ?? 5 * 1024 * 1024
        return send(spec.user ?? 'all', 'x-big', { size, blob: 'x'.repeat(size) })
      }
      case 'malformed':
        return sendData(spec.user ?? 'all', '{"messageType": "4", this is not JSON')
      case 'unknown':
        return send(spec.user ?? 'all', 'x-unknown', { note: 'a messageType this client does not know' })
      case 'restart':
        downUntil = Date.now() + (spec.downMs ?? 500)
        for (const stream of [...streams]) finish(stream, 'destroy')
        return null
    }
  }

  // --- the stream -------------------------------------------------------------------------------

  function tokenOf(req: IncomingMessage, url: URL): string | null {
    const auth = req.headers.authorization
    if (auth && /^Bearer\s+/i.test(auth)) return auth.replace(/^Bearer\s+/i, '').trim()
    const cookie = parseCookies(req.headers.cookie).sse_token
    if (cookie) return cookie
    return url.searchParams.get('token')
  }

  function openStream(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const token = tokenOf(req, url)
    const header = req.headers['last-event-id']
    const lastEventId = (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get('lastEventId')
    const record: StreamRequestRecord = {
      method: req.method ?? 'GET',
      url: url.pathname + url.search,
      headers: { ...req.headers },
      lastEventId,
      authorization: req.headers.authorization ?? null,
      token,
      user: tokens.verify(token),
      status: 0,
      time: Date.now(),
      sentBefore: seq,
    }
    requests.push(record)

    if (Date.now() < downUntil) {
      req.socket.destroy()
      return
    }
    const statusFault = statusFaults[0]
    if (statusFault) {
      if (--statusFault.count <= 0) statusFaults.shift()
      record.status = statusFault.status
      const headers: Record<string, string> = {}
      if (statusFault.retryAfter !== undefined) headers['Retry-After'] = String(statusFault.retryAfter)
      if (statusFault.status === 204) {
        res.writeHead(204, headers).end()
        return
      }
      sendJson(res, statusFault.status, { detail: statusFault.detail ?? `injected status ${statusFault.status}` }, headers)
      return
    }
    if (contentTypeFaults > 0) {
      contentTypeFaults--
      record.status = 200
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' })
      res.end('<!doctype html><title>Login</title><p>This is not an event stream</p>')
      return
    }
    const user = record.user ?? (requireAuth ? null : 'anonymous')
    if (user === null) {
      record.status = 401
      sendJson(res, 401, { detail: token ? 'The token is invalid or expired' : 'No token' })
      return
    }
    const existing = targets(user)
    if (existing.length > 0 && duplicate === 'reject') {
      record.status = 409
      sendJson(res, 409, { detail: 'This user already has an open stream' })
      return
    }
    if (duplicate === 'replace') for (const old of existing) finish(old, 'end')

    record.status = 200
    req.socket.setNoDelay(true)
    req.socket.setTimeout(0)
    res.writeHead(200, SSE_HEADERS)
    const stream: Stream = { user, res, stalled: false, queue: [], pumping: false }
    streams.add(stream)
    peak = Math.max(peak, streams.size)
    const forget = (): void => {
      streams.delete(stream)
    }
    // `res` closes on end, destroy and client disconnect alike (`req` closes once its body is read).
    res.on('close', forget)

    let opening = retryMs !== null ? `retry: ${retryMs}\n\n` : ': connected\n\n'
    if (retryMs !== null && options.greeting === true) opening += ': connected\n\n'
    const from = lastEventId !== null && /^\d+$/.test(lastEventId) ? Number(lastEventId) : null
    if (from !== null) {
      for (const event of history.get(user) ?? []) if (event.id > from) opening += event.text
    }
    write(stream, opening)
  }

  // --- routing ----------------------------------------------------------------------------------

  const middleware: Middleware = (req, res, next) => {
    const url = requestUrl(req)
    if (!url.pathname.startsWith(`${basePath}/`)) {
      notFound(res, next)
      return
    }
    const route = url.pathname.slice(basePath.length)
    const method = req.method ?? 'GET'
    if (route === '/sse' && (method === 'GET' || method === 'POST')) {
      // A POST stream may carry a body; it is read and ignored.
      if (method === 'POST') req.resume()
      openStream(req, res, url)
      return
    }
    if (method === 'GET' && route === '/stats') {
      sendJson(res, 200, { openConnections: streams.size, peakConnections: peak, requests: requests.length, lastId: String(seq) })
      return
    }
    if (method !== 'POST') {
      notFound(res, next)
      return
    }
    readJson(req)
      .then((body) => control(route, body, req, res, url, next))
      .catch((error: unknown) => sendJson(res, 500, { detail: String(error) }))
  }

  function control(
    route: string,
    body: Record<string, unknown>,
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    next: ((error?: unknown) => void) | undefined,
  ): void {
    // Simulated business messages go to the caller's user, else `body.user`, else everyone.
    const target = tokens.verify(tokenOf(req, url)) ?? (typeof body.user === 'string' ? body.user : 'all')
    switch (route) {
      case '/login': {
        const username = typeof body.username === 'string' ? body.username.trim() : ''
        if (username === '') return sendJson(res, 400, { detail: '`username` is required' })
        const token = tokens.issue(username, options.tokenTtlMs)
        return sendJson(res, 200, { token, username }, { 'Set-Cookie': `sse_token=${token}; Path=/; HttpOnly; SameSite=Lax` })
      }
      case '/logout': {
        const token = tokenOf(req, url)
        if (token) tokens.revoke(token)
        return sendJson(res, 200, { ok: true }, { 'Set-Cookie': 'sse_token=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax' })
      }
      case '/revoke': {
        if (typeof body.token === 'string') tokens.revoke(body.token)
        if (typeof body.user === 'string') tokens.revokeUser(body.user)
        return sendJson(res, 200, { ok: true })
      }
      case '/fault': {
        const spec = parseFault(body)
        if (typeof spec === 'string') return sendJson(res, 400, { detail: spec })
        return sendJson(res, 200, { ok: true, id: fault(spec) })
      }
      case '/send': {
        if (typeof body.messageType !== 'string') return sendJson(res, 400, { detail: '`messageType` is required' })
        return sendJson(res, 200, { id: send(target, body.messageType, body.messageData ?? {}) })
      }
      case '/calc': {
        if (!isSimulatedCalcKind(body.kind)) {
          return sendJson(res, 400, { detail: '`kind` must be steady, sandboxSteady, trace, dyn or sandboxDyn' })
        }
        const outcome = body.outcome === 'success' || body.outcome === 'failure' ? body.outcome : undefined
        const calcName = typeof body.calcName === 'string' ? body.calcName : undefined
        return sendJson(res, 200, { calcId: simulator.calc(target, { kind: body.kind, calcName, outcome }) })
      }
      case '/scada':
        return sendJson(res, 200, { id: simulator.scada(target) })
      case '/alarm':
        return sendJson(res, 200, {
          ids: simulator.alarm(target, {
            count: typeof body.count === 'number' ? body.count : undefined,
            level: typeof body.level === 'string' ? body.level : undefined,
            xss: body.xss === true,
          }),
        })
      case '/anomaly':
        return sendJson(res, 200, { id: simulator.anomaly(target) })
      case '/reset':
        reset()
        return sendJson(res, 200, { ok: true })
      default:
        notFound(res, next)
    }
  }

  function notFound(res: ServerResponse, next: ((error?: unknown) => void) | undefined): void {
    if (next) next()
    else sendJson(res, 404, { detail: 'Not found' })
  }

  function reset(): void {
    statusFaults.length = 0
    contentTypeFaults = 0
    bytewiseMessages = 0
    downUntil = 0
    requests.length = 0
    peak = streams.size
  }

  return {
    middleware,
    send,
    sendData,
    sendRaw,
    fault,
    tokens,
    simulator,
    get openConnections() {
      return streams.size
    },
    get peakConnections() {
      return peak
    },
    connectionsOf(user) {
      return targets(user).length
    },
    requests,
    get lastId() {
      return String(seq)
    },
    setHeartbeat,
    setDuplicate(policy) {
      duplicate = policy
    },
    waitFor(predicate, timeoutMs = 5000, what = 'condition') {
      return new Promise<void>((resolve, reject) => {
        const started = Date.now()
        const check = (): void => {
          let ok = false
          try {
            ok = predicate()
          } catch {
            ok = false
          }
          if (ok) resolve()
          else if (Date.now() - started > timeoutMs) reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`))
          else setTimeout(check, 10)
        }
        check()
      })
    },
    endStreams() {
      for (const stream of [...streams]) finish(stream, 'end')
    },
    reset,
    close() {
      setHeartbeat(0)
      simulator.stop()
      for (const stream of [...streams]) finish(stream, 'destroy')
      streams.clear()
    },
  }
}
