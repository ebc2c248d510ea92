// One stream request over node:http, recording every byte's arrival time, the events and how it ended.
import { request as httpRequest } from 'node:http'
import type { IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { Readable } from 'node:stream'
import { constants as zlib, createBrotliDecompress, createGunzip, createInflate } from 'node:zlib'
import { createSseParser } from '../core/parser'
import type { ProbeRequest } from './request'

/** One thing the stream delivered, at the time (ms after the request) its last byte arrived. */
export type Arrival =
  | { at: number; kind: 'event'; id?: string; event: string; data: string }
  | { at: number; kind: 'comment'; text: string }
  | { at: number; kind: 'retry'; ms: number }

/** One read from the socket. */
export interface Chunk {
  /** ms after the request was sent. */
  at: number
  bytes: number
}

/** The status line and headers of an answer. */
export interface ProbeResponse {
  /** ms after the request was sent. */
  at: number
  status: number
  statusText: string
  /** Lower-case names; repeated headers joined with `, `. */
  headers: Record<string, string>
  /** A 200 without a content type other than a stream's: the doctor parsed its body as SSE. */
  stream: boolean
  /** The start of the body (first KiB) when the answer is not read as a stream. */
  preview?: string
}

/**
 * How the answer ended:
 * - `closed`: the doctor closed it;
 * - `ended`: the server finished the response cleanly;
 * - `dropped`: the connection closed mid-response (no final chunk), as a proxy that gives up does;
 * - `failed`: no answer (refused, reset, timed out).
 */
export type ProbeEndKind = 'closed' | 'ended' | 'dropped' | 'failed'

export interface ProbeEnd {
  at: number
  kind: ProbeEndKind
  /** Why a `failed` or `dropped` probe ended. */
  reason?: string
}

/** One request, watched: every chunk and every parsed event, comment and `retry:` with its time. */
export interface StreamProbe {
  readonly request: ProbeRequest
  /** `performance.now()` when the request was sent: every other time is relative to it. */
  readonly startedAt: number
  readonly response: ProbeResponse | undefined
  readonly chunks: readonly Chunk[]
  readonly arrivals: readonly Arrival[]
  readonly end: ProbeEnd | undefined
  /** ms since the request was sent. */
  elapsed(): number
  /** Resolves when the answer ends, or after `ms` (whichever comes first). */
  settle(ms: number): Promise<void>
  /** Resolves when the status line arrives or the request fails, or after `ms`. */
  answered(ms: number): Promise<void>
  /** Closes the request (no-op once ended). */
  close(): void
}

export interface ProbeOptions {
  /** Give up when no status line arrives within this many ms. */
  answerTimeoutMs: number
  /** Called after every chunk, parsed (for progress lines and early stops). */
  onChunk?: () => void
}

const PREVIEW_BYTES = 1024

/** Sends one request and records what comes back, until the answer ends or `close()`. */
export function openProbe(request: ProbeRequest, options: ProbeOptions): StreamProbe {
  const started = performance.now()
  const elapsed = (): number => performance.now() - started
  const chunks: Chunk[] = []
  const arrivals: Arrival[] = []
  let response: ProbeResponse | undefined
  let end: ProbeEnd | undefined
  let closing = false
  let finished!: () => void
  const done = new Promise<void>((resolve) => (finished = resolve))
  let gotAnswer!: () => void
  const answer = new Promise<void>((resolve) => (gotAnswer = resolve))

  const finish = (kind: ProbeEndKind, reason?: string): void => {
    if (end) return
    end = { at: elapsed(), kind: closing ? 'closed' : kind, ...(reason !== undefined && !closing && { reason }) }
    clearTimeout(answerTimer)
    finished()
    gotAnswer()
  }

  const parser = createSseParser({
    onMessage: (message) =>
      arrivals.push({ at: elapsed(), kind: 'event', ...(message.id !== undefined && { id: message.id }), event: message.event, data: message.data }),
    onComment: (text) => arrivals.push({ at: elapsed(), kind: 'comment', text }),
    onRetry: (ms) => arrivals.push({ at: elapsed(), kind: 'retry', ms }),
    maxBufferSize: 4 * 1024 * 1024,
  })

  const send = request.url.protocol === 'https:' ? httpsRequest : httpRequest
  const req = send(request.url, { method: request.method, headers: request.headers })
  const answerTimer = setTimeout(() => {
    finish('failed', `no answer within ${Math.round(options.answerTimeoutMs / 100) / 10} s`)
    req.destroy()
  }, options.answerTimeoutMs)

  req.on('error', (error: NodeJS.ErrnoException) => {
    if (response) finish('dropped', error.code ?? error.message)
    else finish('failed', error.code ? `${error.code} (${error.message})` : error.message)
  })
  req.on('response', (res) => {
    clearTimeout(answerTimer)
    const headers = joinHeaders(res)
    const type = headers['content-type'] ?? ''
    // A missing or plain-text type is reported, and the body still checked as the stream it may be.
    const stream = res.statusCode === 200 && (type === '' || /^\s*text\/(event-stream|plain)\s*(;|$)/i.test(type))
    response = { at: elapsed(), status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', headers, stream }
    gotAnswer()
    const body = decoded(res, headers['content-encoding'])
    if (stream) readStream(res, body)
    else readPreview(res, body, response)
  })
  if (request.body !== undefined) req.write(request.body)
  req.end()

  function readStream(res: IncomingMessage, body: Readable | undefined): void {
    // Raw reads time the chunks; the decoded text (the same bytes unless compressed) is parsed.
    res.on('data', (chunk: Buffer) => {
      chunks.push({ at: elapsed(), bytes: chunk.length })
      if (!body) {
        parser.feed(chunk)
        options.onChunk?.()
      }
    })
    body?.on('data', (chunk: Buffer) => {
      parser.feed(chunk)
      options.onChunk?.()
    })
    body?.on('error', () => undefined)
    watchEnd(res)
  }

  function readPreview(res: IncomingMessage, body: Readable | undefined, answer: ProbeResponse): void {
    const parts: Buffer[] = []
    let size = 0
    ;(body ?? res).on('data', (chunk: Buffer) => {
      if (size >= PREVIEW_BYTES) return
      parts.push(chunk)
      size += chunk.length
      answer.preview = Buffer.concat(parts).subarray(0, PREVIEW_BYTES).toString('utf8')
    })
    body?.on('error', () => undefined)
    watchEnd(res)
  }

  function watchEnd(res: IncomingMessage): void {
    res.on('close', () => finish(res.complete ? 'ended' : 'dropped', res.complete ? undefined : 'the connection closed mid-response'))
  }

  const within = async (promise: Promise<void>, ms: number): Promise<void> => {
    let timer: ReturnType<typeof setTimeout> | undefined
    await Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, ms))))])
    clearTimeout(timer)
  }

  return {
    request,
    startedAt: started,
    get response() {
      return response
    },
    chunks,
    arrivals,
    get end() {
      return end
    },
    elapsed,
    settle: (ms) => within(done, ms),
    answered: (ms) => within(answer, ms),
    close() {
      if (end) return
      closing = true
      req.destroy()
      finish('closed')
    },
  }
}

/** A decompressing view of a compressed body, so that its events can still be checked. */
function decoded(res: IncomingMessage, encoding: string | undefined): Readable | undefined {
  const flush = { flush: zlib.Z_SYNC_FLUSH, finishFlush: zlib.Z_SYNC_FLUSH }
  switch ((encoding ?? '').trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return res.pipe(createGunzip(flush))
    case 'deflate':
      return res.pipe(createInflate(flush))
    case 'br':
      return res.pipe(
        createBrotliDecompress({ flush: zlib.BROTLI_OPERATION_FLUSH, finishFlush: zlib.BROTLI_OPERATION_FLUSH }),
      )
    default:
      return undefined
  }
}

function joinHeaders(res: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {}
  for (let i = 0; i < res.rawHeaders.length; i += 2) {
    const name = res.rawHeaders[i].toLowerCase()
    const value = res.rawHeaders[i + 1]
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value
  }
  return headers
}
