import { backoffDelay } from './backoff'
import { browserSignals, isHidden, isOffline } from './browserSignals'
import { defaultHeartbeatTimeout, resolveReconnect } from './connectionOptions'
import type { ConnectionOptions, ReconnectOptions } from './connectionOptions'
import { SseError } from './errors'
import { guarded } from './guard'
import { createWatchdog, quietStreamGrace } from './heartbeat'
import { createDebugLog } from './log'
import { createSseParser } from './parser'
import type { RawSseMessage } from './protocol'
import { buildRequest, toConfigError } from './request'
import { createRetryWait } from './retry'
import { createTokenRefresh, freshToken } from './tokenRefresh'
import { startTransport } from './transports/start'
import type { TransportFailure, TransportHandle, TransportHandlers, TransportRequest } from './transports/types'
import { startTimer } from './timer'

/** Lifecycle of the connection. */
export type SseStatus = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed'

/** Observable state of a connection; a new object on every change. */
export interface ConnectionState {
  status: SseStatus
  /** Last event id seen; sent on reconnect. */
  lastEventId: string
  /**
   * Failed attempts in a row; 0 after a good open: a stream that delivered an event, a comment or a
   * `retry:` line (an open stream that ends before that still counts as a failed attempt).
   */
  attempt: number
  /** Last error, cleared when a stream opens. */
  error: SseError | null
  /** When the current stream opened (ms since epoch). */
  openedAt: number | null
  /** When the last message arrived (ms since epoch). */
  lastMessageAt: number | null
  /** Reconnections since creation (opens after the first). */
  reconnects: number
}

export interface ConnectionCallbacks {
  /**
   * Every SSE message of the live stream. `message.lastEventId` is the id to resume from;
   * `onStateChange` is not called per message (read `state` for `lastEventId` / `lastMessageAt`).
   * @default undefined
   */
  onMessage?: (message: RawSseMessage) => void
  /**
   * Every change of status, attempt, error or a `setLastEventId()`.
   * @default undefined
   */
  onStateChange?: (state: Readonly<ConnectionState>) => void
  /**
   * Every error, as it happens.
   * @default undefined
   */
  onError?: (error: SseError) => void
}

/** One resilient SSE connection. */
export interface SseConnection {
  /** A snapshot of the current state (a new object after each change). */
  readonly state: Readonly<ConnectionState>
  /** Connects; a no-op while connecting, open or reconnecting. */
  open(): void
  /** Disconnects, aborts the request and cancels any pending retry. */
  close(): void
  /** Drops the current stream and connects again at once (e.g. the token changed). */
  restart(): void
  /** Sets the id to resume from (e.g. handed over by another tab). */
  setLastEventId(id: string): void
}

/** Options of {@link createConnection}: the connection options plus replaceable platform pieces. */
export type CreateConnectionOptions = ConnectionOptions & {
  /**
   * The id to resume from, asked at each attempt, when the resume point has an owner beside the
   * connection (the hub: the last id delivered to the user's tabs, whatever path brought it). The
   * stream's last event id starts from it.
   * @default the stream's own last event id
   */
  resumeFrom?: () => string
}

/**
 * Creates a connection that keeps one SSE stream alive: backoff with jitter, resume from the last
 * event id, heartbeat watchdog, 401 refresh, offline and hidden-tab awareness. Nothing happens
 * until `open()`; safe to create during SSR.
 */
export function createConnection(options: CreateConnectionOptions, callbacks: ConnectionCallbacks = {}): SseConnection {
  const reconnect: Required<ReconnectOptions> | false = resolveReconnect(options.reconnect)
  const heartbeatTimeout = options.heartbeatTimeout ?? defaultHeartbeatTimeout
  const viaEventSource = options.transport === 'eventsource'
  const environment = options.environment ?? {}
  const debug = options.debug === true
  const log = createDebugLog(debug)

  let status: SseStatus = 'idle'
  let attempt = 0
  let error: SseError | null = null
  let openedAt: number | null = null
  let lastMessageAt: number | null = null
  let reconnects = 0
  let snapshot: ConnectionState | null = null

  /** Bumped by every new attempt and by close(): callbacks of older attempts are ignored. */
  let generation = 0
  /** Generation of the attempt whose bytes the parser is reading. */
  let feedGeneration = 0
  let transport: TransportHandle | null = null
  /** The user wants a connection (open() without a later close()). */
  let wanted = false
  let everOpened = false
  let serverRetry: number | null = null
  const tokens = createTokenRefresh(options)
  /** Changes on open(), restart(), close() and giving up; not on a hidden-tab pause, unlike `generation`. */
  let session = 0
  const retry = createRetryWait(startAttempt)
  let pausedHidden = false

  // Comments are invisible to EventSource, so a quiet but healthy stream would look dead there.
  const watchdog = createWatchdog(viaEventSource ? 0 : heartbeatTimeout, (dead) => fail(generation, { error: dead }))
  /** A quiet EventSource stream's wait to prove itself (see onOpen). */
  let graceTimer: ReturnType<typeof setTimeout> | undefined

  const parser = createSseParser({
    maxBufferSize: options.maxBufferSize,
    onMessage: deliver,
    onRetry(ms) {
      serverRetry = ms
      log('server retry', ms)
      // A `retry:` line is the server speaking SSE too, often the first thing a stream sends.
      if (feedGeneration === generation) streamIsGood()
    },
    onComment() {
      if (feedGeneration === generation) streamIsGood()
    },
    onError(parseError) {
      fail(feedGeneration, { error: parseError })
    },
  })

  function getState(): ConnectionState {
    // Per-message fields are compared on read, so messages themselves never allocate a state.
    if (snapshot === null || snapshot.lastEventId !== parser.lastEventId || snapshot.lastMessageAt !== lastMessageAt) {
      snapshot = { status, lastEventId: parser.lastEventId, attempt, error, openedAt, lastMessageAt, reconnects }
    }
    return snapshot
  }

  function changed(): void {
    snapshot = null
    guard(callbacks.onStateChange, getState())
  }

  function setStatus(next: SseStatus): void {
    if (next === status) return
    log('status', status, '->', next)
    enter(next)
  }

  /** Sets the status and notifies even when it is unchanged (the attempt or the error moved). */
  function enter(next: SseStatus): void {
    status = next
    changed()
  }

  function report(reported: SseError): void {
    error = reported
    log('error', reported.kind, reported.status ?? '', reported.message)
    guard(callbacks.onError, reported)
  }

  /** Runs an app callback; a throw becomes a `handler` error instead of breaking the stream. */
  function guard<T>(callback: ((value: T) => void) | undefined, value: T): void {
    guarded(() => callback?.(value), callbackThrew)
  }

  function callbackThrew(cause: unknown): void {
    log('a callback threw', cause)
    callbacks.onError?.(new SseError('handler', `A connection callback threw: ${String(cause)}`, { cause }))
  }

  function deliver(message: RawSseMessage): void {
    // A callback may close or restart the connection in the middle of a chunk.
    if (feedGeneration !== generation || !streamIsGood()) return
    lastMessageAt = Date.now()
    if (debug) log('message', message.event, message.lastEventId, message.data)
    guard(callbacks.onMessage, message)
  }

  /**
   * The stream delivered an event, a comment or a `retry:` line: a good open, so the streak of
   * failures is over. A server that answers 200 and closes at once never gets here and is backed off
   * like any failure.
   * Returns false when onStateChange closed or restarted the connection.
   */
  function streamIsGood(): boolean {
    if (attempt === 0) return true
    attempt = 0
    const gen = generation
    log('the stream delivers: attempt counter reset')
    changed()
    return gen === generation
  }

  // --- attempts -------------------------------------------------------------------------------

  function startAttempt(): void {
    retry.cancel(true)
    stopTransport()
    const gen = ++generation
    setStatus(everOpened || attempt > 0 ? 'reconnecting' : 'connecting')
    // onStateChange may have closed or restarted the connection: that call decides now.
    if (gen !== generation) return

    let request: TransportRequest
    try {
      request = buildRequest(options, viaEventSource, tokens.token, resumePoint)
    } catch (cause) {
      stop(toConfigError(cause, 'Reading the options failed'))
      return
    }
    watchdog.touch()
    log('connecting', request.url, request.lastEventId ? `from id ${request.lastEventId}` : '')

    const handlers: TransportHandlers = {
      onOpen: () => onOpen(gen),
      onChunk: (chunk) => {
        if (gen !== generation) return
        watchdog.touch()
        feedGeneration = gen
        parser.feed(chunk)
      },
      onMessage: (message) => {
        if (gen !== generation) return
        watchdog.touch()
        feedGeneration = gen
        // A new EventSource starts with an empty id buffer; keep ours until the server sends one (or
        // clears it with an empty `id:`).
        if (message.lastEventId !== '' || message.id === '') parser.lastEventId = message.lastEventId
        else message.lastEventId = parser.lastEventId
        deliver(message)
      },
      onFailure: (failure) => fail(gen, failure),
    }

    try {
      transport = startTransport(request, handlers, viaEventSource, environment)
    } catch (cause) {
      // A request that cannot even be built (a header value fetch refuses, a malformed URL) fails the
      // same way on every attempt: retrying would loop forever without reaching the server.
      stop(toConfigError(cause, 'Could not build the request'))
      return
    }
    watchdog.start()
  }

  /** The id to resume from: the owner's resume point when there is one; events without an id carry it. */
  function resumePoint(): string {
    if (options.resumeFrom) parser.lastEventId = options.resumeFrom()
    return parser.lastEventId
  }

  function onOpen(gen: number): void {
    if (gen !== generation) return
    if (everOpened) reconnects++
    everOpened = true
    // `attempt` stays until the stream delivers something (streamIsGood).
    error = null
    tokens.newStreak()
    openedAt = Date.now()
    watchdog.touch()
    log('open')
    enter('open')
    // EventSource hides comments and `retry:`: a quiet stream proves itself by staying open as long
    // as the server may be silent, or it would count as a failure when it ends.
    if (gen === generation && viaEventSource && attempt > 0) {
      graceTimer = startTimer(() => transport !== null && streamIsGood(), quietStreamGrace(heartbeatTimeout, reconnect))
    }
  }

  function fail(gen: number, failure: TransportFailure): void {
    if (gen !== generation || transport === null) return
    const failed = failure.error
    stopTransport()
    openedAt = null
    const code = failed.status ?? 0

    if (failed.kind === 'http' && (code === 401 || code === 403)) {
      void refreshToken(gen, failed)
      return
    }
    // 204 (the server says stop) and the other client errors are final.
    const retryable =
      failed.kind !== 'http' || code === 408 || code === 429 || (code >= 500 && code <= 599)
    if (!retryable) {
      stop(failed)
      return
    }
    report(failed)
    // onError may have closed or restarted the connection.
    if (gen !== generation) return
    scheduleRetry(failure.retryAfter ?? null)
  }

  async function refreshToken(gen: number, failed: SseError): Promise<void> {
    const unauthorized = new SseError('unauthorized', failed.message, { status: failed.status, cause: failed })
    const refresh = tokens.take()
    if (!refresh) {
      stop(unauthorized)
      return
    }
    report(unauthorized)
    if (gen !== generation) return
    enter('reconnecting')
    if (gen !== generation) return
    const refreshing = session
    let answer: string | null | undefined
    try {
      answer = await refresh(unauthorized)
    } catch (cause) {
      if (gen !== generation) return
      stop(new SseError('unauthorized', `onUnauthorized threw: ${String(cause)}`, { status: failed.status, cause }))
      return
    }
    const token = freshToken(answer)
    if (gen !== generation || transport !== null || !wanted) {
      // Only a hidden-tab pause came in between: the resume (or the attempt it started) needs the new
      // token. close(), restart() or open() decide on their own.
      if (session === refreshing && wanted && token) tokens.keep(token)
      return
    }
    tokens.keep(token)
    if (!token) {
      stop(unauthorized)
      return
    }
    attempt++
    log('token refreshed, retrying')
    startAttempt()
  }

  function scheduleRetry(retryAfter: number | null): void {
    if (reconnect === false || ++attempt >= reconnect.maxAttempts) {
      // Gives up for good; the error was already reported.
      halt()
      log('closed after', attempt, 'failed attempts')
      enter('closed')
      return
    }
    const gen = generation
    retry.notBefore(retryAfter)
    enter('reconnecting')
    // onStateChange may have closed or restarted the connection.
    if (gen !== generation) return
    if (isOffline()) {
      holdUntilOnline()
      return
    }
    const delay = Math.max(retryAfter ?? 0, backoffDelay(attempt, serverRetry, reconnect, environment.random))
    log('retry in', delay, 'ms (attempt', attempt, ')')
    retry.after(delay)
  }

  function holdUntilOnline(): void {
    retry.holdUntilOnline()
    log('offline: waiting for the online event')
  }

  /**
   * Connects again without waiting out the backoff (back online, tab shown), but not before the time
   * a server's `Retry-After` asked for: a 429/503 answered again at once helps nobody.
   */
  function retryNow(): void {
    const wait = retry.remaining()
    if (wait <= 0) {
      startAttempt()
      return
    }
    const gen = generation
    setStatus('reconnecting')
    if (gen !== generation) return
    log("retry when the server's Retry-After ends, in", wait, 'ms')
    retry.after(wait)
  }

  /** Gives up for good with `reported` as the error. */
  function stop(reported: SseError): void {
    halt()
    const gen = generation
    report(reported)
    // onError may have opened it again: the new attempt's status stands.
    if (gen !== generation) return
    log('closed:', reported.kind)
    enter('closed')
  }

  function halt(): void {
    wanted = false
    session++
    // The next open() may be another user's: a refreshed token of this one must not outlive it.
    tokens.keep(undefined)
    generation++
    stopTransport()
    retry.cancel(true)
    pausedHidden = false
    listen(false)
  }

  function stopTransport(): void {
    watchdog.stop()
    clearTimeout(graceTimer)
    const current = transport
    transport = null
    current?.abort()
    // A callback may stop the stream in the middle of a chunk: the rest of that chunk, which is never
    // delivered, must not move the resume point either.
    parser.reset()
  }

  // --- browser signals -------------------------------------------------------------------------

  function onOnline(): void {
    if (!wanted || pausedHidden) return
    if (retry.waiting) {
      log('online: reconnecting')
      retryNow()
    }
  }

  function onOffline(): void {
    // A pending retry would only fail: wait for the online event instead.
    if (retry.waiting === 'timer') holdUntilOnline()
  }

  function onVisibility(): void {
    if (!wanted) return
    if (isHidden(options)) {
      if (pausedHidden) return
      pausedHidden = true
      log('hidden: pausing')
      generation++
      stopTransport()
      retry.cancel()
      openedAt = null
      snapshot = null
      setStatus('idle')
    } else if (pausedHidden) {
      pausedHidden = false
      // Shown again: a new streak, so a token that expired while hidden can still be refreshed.
      tokens.newStreak()
      log('visible: resuming')
      retryNow()
    }
  }

  const listen = browserSignals({ online: onOnline, offline: onOffline, visibilitychange: onVisibility }, options)

  // --- public API -------------------------------------------------------------------------------

  function begin(): void {
    wanted = true
    session++
    tokens.newStreak()
    listen(true)
    if (isHidden(options)) {
      pausedHidden = true
      generation++
      stopTransport()
      retry.cancel()
      setStatus('idle')
      return
    }
    startAttempt()
  }

  return {
    get state(): Readonly<ConnectionState> {
      return getState()
    },
    open(): void {
      if (wanted) return
      attempt = 0
      begin()
    },
    close(): void {
      const wasActive = wanted || status !== 'closed'
      halt()
      openedAt = null
      // The next open() starts a new session (maybe another user's): it connects, it does not
      // reconnect, and it has received nothing yet.
      lastMessageAt = null
      everOpened = false
      if (!wasActive) return
      log('closed by the app')
      enter('closed')
    },
    restart(): void {
      tokens.keep(undefined)
      attempt = 0
      log('restart')
      begin()
    },
    setLastEventId(id: string): void {
      if (parser.lastEventId === id) return
      parser.lastEventId = id
      changed()
    },
  }
}
