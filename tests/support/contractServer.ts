import { createServer } from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { constants as zlib, createGzip } from 'node:zlib'

/**
 * A stream server that follows docs/backend.md, with one switch per rule so that a test can break
 * exactly one: the backends the doctor must tell apart.
 */
export interface ContractServerOptions {
  /**
   * Content-Type of the stream; null sends none.
   * @default 'text/event-stream; charset=utf-8'
   */
  contentType?: string | null
  /**
   * `sequence`: one growing sequence started from the time; `none`: no `id:` lines; `per-connection`:
   * a counter that starts at 1 on every connection (so ids are reused for other messages);
   * `countdown`: a sequence that goes down; `small`: a sequence that starts at 1.
   * @default 'sequence'
   */
  ids?: 'sequence' | 'none' | 'per-connection' | 'countdown' | 'small'
  /**
   * What `data` is: the JSON envelope, JSON without messageType, or plain text.
   * @default 'envelope'
   */
  payload?: 'envelope' | 'untyped' | 'text'
  /**
   * The messageType of every message.
   * @default '3'
   */
  messageType?: string
  /**
   * `retry:` sent when a stream opens.
   * @default 2000
   */
  retryMs?: number
  /**
   * Cache-Control of the stream; null sends none.
   * @default 'no-cache'
   */
  cacheControl?: string | null
  /**
   * End every stream cleanly this many ms after it opens (a request timeout); 0 never.
   * @default 0
   */
  endAfterMs?: number
  /**
   * What a request with a last id gets first: the events `after` it, the events `from` it (the given
   * one included), or `none`.
   * @default 'after'
   */
  replay?: 'after' | 'from' | 'none'
  /**
   * Send the whole history to a connection without a last id too.
   * @default false
   */
  replayOnFresh?: boolean
  /**
   * `: ping` interval in ms; 0 sends none.
   * @default 200
   */
  heartbeatMs?: number
  /**
   * Interval of unprompted `3` messages in ms; 0 sends none.
   * @default 0
   */
  tickMs?: number
  /**
   * Compress the stream with gzip (when the request accepts it), flushing after every write.
   * @default false
   */
  gzip?: boolean
  /**
   * The answer to a request without the token: a JSON 401, a 200 login page, a redirect to the login
   * page, or the stream itself (no check at all).
   * @default 'json-401'
   */
  unauthorized?: 'json-401' | 'html-200' | 'redirect' | 'open'
  /**
   * Send `X-Accel-Buffering: no`.
   * @default true
   */
  accelBuffering?: boolean
  /**
   * Allow this origin (CORS headers on the stream and its preflight).
   * @default undefined
   */
  allowOrigin?: string
  /**
   * With `allowOrigin`, also send `Access-Control-Allow-Credentials: true`.
   * @default true
   */
  allowCredentials?: boolean
}

export interface ContractServer {
  url: string
  /** The stream endpoint: `GET` or `POST /api/sse`. */
  sseUrl: string
  /** `POST` here sends one `3` message to every stream (and the history). */
  sendUrl: string
  port: number
  /** The token the stream accepts (as `Authorization: Bearer` or `?token=`). */
  token: string
  close(): Promise<void>
}

const TOKEN = 'doctor-token'

export async function startContractServer(options: ContractServerOptions = {}): Promise<ContractServer> {
  const contentType = options.contentType === undefined ? 'text/event-stream; charset=utf-8' : options.contentType
  const ids = options.ids ?? 'sequence'
  const replay = options.replay ?? 'after'
  const heartbeatMs = options.heartbeatMs ?? 200
  const history: Array<{ id: number; data: string }> = []
  const streams = new Set<Stream>()
  const firstId = ids === 'small' ? 0 : ids === 'countdown' ? 9_000_000_000 : Date.now() * 1000
  let seq = firstId
  let sent = 0
  const next = (): number => (ids === 'countdown' ? --seq : ++seq)

  interface Stream {
    write(text: string): void
    counter: number
  }

  function eventText(stream: Stream, event: { id: number; data: string }): string {
    const id = ids === 'none' ? '' : ids === 'per-connection' ? `id: ${++stream.counter}\n` : `id: ${event.id}\n`
    return `${id}data: ${event.data}\n\n`
  }

  function payload(n: number): string {
    const messageData = { n }
    if (options.payload === 'text') return `message ${n}`
    if (options.payload === 'untyped') return JSON.stringify({ messageData })
    return JSON.stringify({ messageType: options.messageType ?? '3', messageData })
  }

  function send(): void {
    const event = { id: next(), data: payload(++sent) }
    history.push(event)
    for (const stream of streams) stream.write(eventText(stream, event))
  }

  const tick = options.tickMs ? setInterval(send, options.tickMs) : undefined

  function cors(req: IncomingMessage, headers: Record<string, string>): void {
    if (options.allowOrigin === undefined || req.headers.origin !== options.allowOrigin) return
    headers['Access-Control-Allow-Origin'] = options.allowOrigin
    if (options.allowCredentials ?? true) headers['Access-Control-Allow-Credentials'] = 'true'
    headers.Vary = 'Origin'
  }

  function openStream(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const auth = req.headers.authorization ?? ''
    if (auth !== `Bearer ${TOKEN}` && url.searchParams.get('token') !== TOKEN && options.unauthorized !== 'open') {
      if (options.unauthorized === 'redirect') {
        res.writeHead(302, { Location: '/login?next=%2Fapi%2Fsse' }).end()
      } else if (options.unauthorized === 'html-200') {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end('<!doctype html><title>Sign in</title><form>...</form>')
      } else {
        res.writeHead(401, { 'Content-Type': 'application/json' }).end(JSON.stringify({ detail: 'token missing or expired' }))
      }
      return
    }
    const headers: Record<string, string> = { Connection: 'keep-alive' }
    const cacheControl = options.cacheControl === undefined ? 'no-cache' : options.cacheControl
    if (cacheControl !== null) headers['Cache-Control'] = cacheControl
    if (contentType !== null) headers['Content-Type'] = contentType
    if (options.accelBuffering ?? true) headers['X-Accel-Buffering'] = 'no'
    cors(req, headers)
    const gzip = options.gzip === true && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))
    if (gzip) headers['Content-Encoding'] = 'gzip'
    req.socket.setNoDelay(true)
    res.writeHead(200, headers)
    const out = gzip ? createGzip({ flush: zlib.Z_SYNC_FLUSH }) : undefined
    out?.pipe(res)
    const stream: Stream = { write: (text) => void (out ?? res).write(text), counter: 0 }

    stream.write(`retry: ${options.retryMs ?? 2000}\n\n`)
    const header = req.headers['last-event-id']
    const last = (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get('lastEventId')
    const from = last !== null && /^\d+$/.test(last) ? Number(last) : null
    if (from !== null && replay !== 'none') {
      // History in the order it was sent, so the countdown server replays what came "after" too.
      const after = history.findIndex((event) => event.id === from)
      const replayed = after === -1 ? history.filter((e) => e.id > from) : history.slice(replay === 'from' ? after : after + 1)
      for (const event of replayed) stream.write(eventText(stream, event))
    }
    if (from === null && options.replayOnFresh) for (const event of history) stream.write(eventText(stream, event))
    streams.add(stream)
    const ping = heartbeatMs > 0 ? setInterval(() => stream.write(': ping\n\n'), heartbeatMs) : undefined
    const end = options.endAfterMs ? setTimeout(() => (out ?? res).end(), options.endAfterMs) : undefined
    res.on('close', () => {
      clearInterval(ping)
      clearTimeout(end)
      streams.delete(stream)
    })
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (url.pathname === '/api/sse' && req.method === 'OPTIONS') {
      const headers: Record<string, string> = {
        'Access-Control-Allow-Methods': 'GET, POST',
        'Access-Control-Allow-Headers': 'authorization, cache-control, last-event-id, content-type',
      }
      cors(req, headers)
      res.writeHead(204, headers).end()
    } else if (url.pathname === '/api/sse' && (req.method === 'GET' || req.method === 'POST')) {
      req.resume()
      openStream(req, res, url)
    } else if (url.pathname === '/api/send' && req.method === 'POST') {
      req.resume()
      send()
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ id: String(seq) }))
    } else {
      res.writeHead(404).end()
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const url = `http://127.0.0.1:${port}`
  return {
    url,
    sseUrl: `${url}/api/sse`,
    sendUrl: `${url}/api/send`,
    port,
    token: TOKEN,
    close() {
      clearInterval(tick)
      server.closeAllConnections()
      return new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
