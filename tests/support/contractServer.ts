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
   * a counter that starts at 1 on every connection (so ids are reused for other messages).
   * @default 'sequence'
   */
  ids?: 'sequence' | 'none' | 'per-connection'
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
   * The answer to a request without the token: a JSON 401, or a 200 login page.
   * @default 'json-401'
   */
  unauthorized?: 'json-401' | 'html-200'
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
  let seq = Date.now() * 1000
  let sent = 0

  interface Stream {
    write(text: string): void
    counter: number
  }

  function eventText(stream: Stream, event: { id: number; data: string }): string {
    const id = ids === 'none' ? '' : ids === 'per-connection' ? `id: ${++stream.counter}\n` : `id: ${event.id}\n`
    return `${id}data: ${event.data}\n\n`
  }

  function send(): void {
    const event = { id: ++seq, data: JSON.stringify({ messageType: '3', messageData: { n: ++sent } }) }
    history.push(event)
    for (const stream of streams) stream.write(eventText(stream, event))
  }

  const tick = options.tickMs ? setInterval(send, options.tickMs) : undefined

  function cors(req: IncomingMessage, headers: Record<string, string>): void {
    if (options.allowOrigin === undefined || req.headers.origin !== options.allowOrigin) return
    headers['Access-Control-Allow-Origin'] = options.allowOrigin
    headers['Access-Control-Allow-Credentials'] = 'true'
    headers.Vary = 'Origin'
  }

  function openStream(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const auth = req.headers.authorization ?? ''
    if (auth !== `Bearer ${TOKEN}` && url.searchParams.get('token') !== TOKEN) {
      if (options.unauthorized === 'html-200') {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end('<!doctype html><title>Sign in</title><form>...</form>')
      } else {
        res.writeHead(401, { 'Content-Type': 'application/json' }).end(JSON.stringify({ detail: 'token missing or expired' }))
      }
      return
    }
    const headers: Record<string, string> = { 'Cache-Control': 'no-cache', Connection: 'keep-alive' }
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

    stream.write('retry: 2000\n\n')
    const header = req.headers['last-event-id']
    const last = (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get('lastEventId')
    const from = last !== null && /^\d+$/.test(last) ? Number(last) : null
    if (from !== null && replay !== 'none') {
      for (const event of history) if (replay === 'from' ? event.id >= from : event.id > from) stream.write(eventText(stream, event))
    }
    if (from === null && options.replayOnFresh) for (const event of history) stream.write(eventText(stream, event))
    streams.add(stream)
    const ping = heartbeatMs > 0 ? setInterval(() => stream.write(': ping\n\n'), heartbeatMs) : undefined
    res.on('close', () => {
      clearInterval(ping)
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
