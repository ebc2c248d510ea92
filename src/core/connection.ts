// One resilient SSE connection, as the order of events from open() to close(): named transitions over
// a few fields. The mechanics are beside it: the request (request.ts), the transports, the wait before
// a reconnect (retry.ts), the heartbeat (heartbeat.ts), the 401 rule (tokenRefresh.ts) and the
// browser's signals (browserSignals.ts).
import { backoffDelay } from './backoff'
import { browserSignals, isHidden, isOffline } from './browserSignals'
import { defaultHeartbeatTimeout, resolveReconnect } from './connectionOptions'
import type { ConnectionOptions } from './connectionOptions'
import { SseError } from './errors'
import { guarded } from './guard'
import { createWatchdog, quietStreamGrace } from './heartbeat'
import { statusReaction } from './httpAnswer'
import { createDebugLog } from './log'
import { createSseParser } from './parser'
import type { RawSseMessage } from './protocol'
import { buildRequest, toConfigError } from './request'
import { createRetryWait } from './retry'
import { startTimer } from './timer'
import { createTokenRefresh, freshToken } from './tokenRefresh'
import { startTransport } from './transports/start'
import type { TransportFailure, TransportHandle, TransportHandlers, TransportRequest } from './transports/types'

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
   * Wraps the delivery of the messages of one slice of the stream (fetch transport: up to 16 KiB read
   * at once): they still reach `onMessage` one by one, while `deliver` runs. A receiver that does some
   * work once per group of messages (telling Vue of a store's changes, posting to other tabs) does it
   * when `deliver` returns. A stream closed by a callback in the middle still delivers nothing more.
   * @default undefined (each message on its own)
   */
  onBatch?: (deliver: () => void) => void
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
  const reconnect = resolveReconnect(options.reconnect)
  const heartbeatTimeout = options.heartbeatTimeout ?? defaultHeartbeatTimeout
  const viaEventSource = options.transport === 'eventsource'
  const environment = options.environment ?? {}
  const debug = options.debug === true
  const log = createDebugLog(debug)

  // The observable state; `snapshot` is the copy last handed out.
  let status: SseStatus = 'idle'
  let attempt = 0
  let error: SseError | null = null
  let openedAt: number | null = null
  let lastMessageAt: number | null = null
  let reconnects = 0
  let snapshot: ConnectionState | null = null

  /**
   * Bumped by every new attempt, hidden-tab pause, close and giving up: a callback of an older attempt,
   * or a step whose app callback closed or restarted the connection, sees another value and stops there.
   */
  let generation = 0
  /** Generation of the attempt whose bytes the parser is reading. */
  let feedGeneration = 0
  /**
   * When the data being handled arrived: a chunk's events all arrived with it, so the clock is read
   * once per chunk (in a browser each read costs about a tenth of a microsecond, per event it adds up).
   */
  let receivedAt = 0
  /** Changes on open(), restart(), close() and giving up; not on a hidden-tab pause, unlike `generation`. */
  let session = 0
  /** The app wants a connection (open() without a later close()). */
  let wanted = false
  let everOpened = false
  let pausedHidden = false
  let transport: TransportHandle | null = null
  let serverRetry: number | null = null
  /** A quiet EventSource stream's time to prove itself (see onOpen). */
  let graceTimer: ReturnType<typeof setTimeout> | undefined

  const parser = createSseParser({
    maxBufferSize: options.maxBufferSize,
    onMessage: deliver,
    onRetry(ms) {
      serverRetry = ms
      log('server retry', ms)
      // A `retry:` line is the server speaking SSE too, often the first thing a stream sends.
      serverSpoke()
    },
    onComment: serverSpoke,
    onError: (parseError) => onFailure(feedGeneration, { error: parseError }),
  })
  const tokens = createTokenRefresh(options)
  const retry = createRetryWait(connect)
  // Comments are invisible to EventSource, so a quiet but healthy stream would look dead there.
  const watchdog = createWatchdog(viaEventSource ? 0 : heartbeatTimeout, (dead) => {
    onFailure(generation, { error: dead })
  })
  const listen = browserSignals({ online: onOnline, offline: onOffline, visibilitychange: onVisibilityChange }, options)

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
      enter('closed')
    },
    restart(): void {
      tokens.keep(undefined)
      attempt = 0
      begin()
    },
    setLastEventId(id: string): void {
      if (parser.lastEventId === id) return
      parser.lastEventId = id
      changed()
    },
  }

  /** open() and restart(): a new session, which connects at once unless the tab is hidden. */
  function begin(): void {
    wanted = true
    session++
    tokens.newStreak()
    listen(true)
    if (!isHidden(options)) return connect()
    pause()
    setStatus('idle')
  }

  // --- an attempt: connect, open, receive ---------------------------------------------------------

  /** Starts an attempt: a request read fresh from the options, on a new transport. */
  function connect(): void {
    dropAttempt(true)
    const gen = generation
    // onStateChange may close or restart the connection: that call decides now.
    if (!setStatus(everOpened || attempt > 0 ? 'reconnecting' : 'connecting')) return
    let request: TransportRequest
    try {
      request = buildRequest(options, viaEventSource, tokens.token, resumePoint)
    } catch (cause) {
      return failConnection(toConfigError(cause, __DEV__ ? 'Reading the options failed' : ''))
    }
    watchdog.touch()
    log('connecting', request.url, request.lastEventId ? `from id ${request.lastEventId}` : '')
    try {
      transport = startTransport(request, attemptHandlers(gen), viaEventSource, environment)
    } catch (cause) {
      // A request that cannot even be built (a header value fetch refuses, a malformed URL) fails the
      // same way on every attempt: retrying would loop forever without reaching the server.
      return failConnection(toConfigError(cause, __DEV__ ? 'Could not build the request' : ''))
    }
    watchdog.start()
  }

  /** The id to resume from: the owner's resume point when there is one; events without an id carry it. */
  function resumePoint(): string {
    if (options.resumeFrom) parser.lastEventId = options.resumeFrom()
    return parser.lastEventId
  }

  /** The transport's callbacks for attempt `gen`: those of a replaced attempt are dropped. */
  function attemptHandlers(gen: number): TransportHandlers {
    return {
      onOpen: () => onOpen(gen),
      onChunk(chunk) {
        if (!receiving(gen)) return
        if (callbacks.onBatch) notify(callbacks.onBatch, () => parser.feed(chunk))
        else parser.feed(chunk)
      },
      onMessage(message) {
        if (!receiving(gen)) return
        // A new EventSource starts with an empty id buffer; keep ours until the server sends one (or
        // clears it with an empty `id:`).
        if (message.lastEventId !== '' || message.id === '') parser.lastEventId = message.lastEventId
        else message.lastEventId = parser.lastEventId
        deliver(message)
      },
      onFailure: (failure) => onFailure(gen, failure),
    }
  }

  /** Data of attempt `gen` arrived; false when that attempt was replaced. */
  function receiving(gen: number): boolean {
    if (gen !== generation) return false
    watchdog.touch()
    feedGeneration = gen
    receivedAt = Date.now()
    return true
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
    // EventSource hides comments and `retry:`: a quiet stream proves itself by staying open as long
    // as the server may be silent, or it would count as a failure when it ends.
    if (enter('open') && viaEventSource && attempt > 0) {
      graceTimer = startTimer(() => transport !== null && streamIsGood(), quietStreamGrace(heartbeatTimeout, reconnect))
    }
  }

  function deliver(message: RawSseMessage): void {
    // A callback may close or restart the connection in the middle of a chunk.
    if (feedGeneration !== generation || !streamIsGood()) return
    lastMessageAt = receivedAt
    if (debug) log('message', message.event, message.lastEventId, message.data)
    notify(callbacks.onMessage, message)
  }

  /** A comment or a `retry:` line of the stream being read. */
  function serverSpoke(): void {
    if (feedGeneration === generation) streamIsGood()
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
    return changed()
  }

  // --- failure: refresh the token, back off, or give up -------------------------------------------

  function onFailure(gen: number, failure: TransportFailure): void {
    if (gen !== generation || transport === null) return
    const failed = failure.error
    stopTransport()
    openedAt = null
    // A network failure, a broken stream or a dead one is retried; a status decides for itself.
    const reaction = failed.kind === 'http' ? statusReaction(failed.status ?? 0) : 'retry'
    if (reaction === 'unauthorized') {
      void refreshToken(gen, failed)
      return
    }
    // 204 (the server says stop) and the other client errors are final.
    if (reaction === 'stop') return failConnection(failed)
    // onError may close or restart the connection.
    if (report(failed)) scheduleReconnect(failure.retryAfter ?? null)
  }

  /** 401/403: asks onUnauthorized for a token once per streak of failures; retries with it, or stops. */
  async function refreshToken(gen: number, failed: SseError): Promise<void> {
    const unauthorized = new SseError('unauthorized', failed.message, { status: failed.status, cause: failed })
    const refresh = tokens.take()
    if (!refresh) return failConnection(unauthorized)
    if (!report(unauthorized) || !enter('reconnecting')) return
    const refreshing = session
    let answer: string | null | undefined
    try {
      answer = await refresh(unauthorized)
    } catch (cause) {
      if (gen !== generation) return
      const { status } = failed
      return failConnection(new SseError('unauthorized', `onUnauthorized threw: ${String(cause)}`, { status, cause }))
    }
    const token = freshToken(answer)
    if (gen !== generation || transport !== null || !wanted) {
      // Only a hidden-tab pause came in between: the resume (or the attempt it started) needs the new
      // token. close(), restart() or open() decide on their own.
      if (session === refreshing && wanted && token) tokens.keep(token)
      return
    }
    tokens.keep(token)
    if (!token) return failConnection(unauthorized)
    attempt++
    connect()
  }

  /** Waits out the backoff before the next attempt, or gives up after `maxAttempts` failures in a row. */
  function scheduleReconnect(retryAfter: number | null): void {
    if (reconnect === false || ++attempt >= reconnect.maxAttempts) {
      // Gives up for good; the error was already reported.
      halt()
      enter('closed')
      return
    }
    retry.notBefore(retryAfter)
    if (!enter('reconnecting')) return
    if (isOffline()) return holdUntilOnline()
    const delay = Math.max(retryAfter ?? 0, backoffDelay(attempt, serverRetry, reconnect, environment.random))
    log('retry in', delay, 'ms (attempt', attempt, ')')
    retry.after(delay)
  }

  /**
   * Connects again without waiting out the backoff (back online, tab shown), but not before the time
   * a server's `Retry-After` asked for: a 429/503 answered again at once helps nobody.
   */
  function reconnectNow(): void {
    const wait = retry.remaining()
    if (wait <= 0) return connect()
    if (!setStatus('reconnecting')) return
    log("retry when the server's Retry-After ends, in", wait, 'ms')
    retry.after(wait)
  }

  /** Gives up for good with `reported` as the error. */
  function failConnection(reported: SseError): void {
    halt()
    // onError may open it again: the new attempt's status stands.
    if (!report(reported)) return
    enter('closed')
  }

  // --- stopping -----------------------------------------------------------------------------------

  /** Ends all that open() started: the attempt, the wait for the next one, the browser listeners. */
  function halt(): void {
    wanted = false
    session++
    // The next open() may be another user's: a refreshed token of this one must not outlive it.
    tokens.keep(undefined)
    dropAttempt(true)
    pausedHidden = false
    listen(false)
  }

  /** A hidden tab lets go of its stream until it is shown again. */
  function pause(): void {
    pausedHidden = true
    dropAttempt(false)
  }

  /**
   * Ends the current attempt and the wait for the next; its callbacks are dropped from now on.
   * A hidden-tab pause keeps the server's Retry-After (`forgetRetryAfter` false): it holds on return.
   */
  function dropAttempt(forgetRetryAfter: boolean): void {
    generation++
    stopTransport()
    retry.cancel(forgetRetryAfter)
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

  // --- the browser's signals ----------------------------------------------------------------------

  function onOnline(): void {
    if (!wanted || pausedHidden || !retry.waiting) return
    log('online: reconnecting')
    reconnectNow()
  }

  function onOffline(): void {
    // A pending retry would only fail: wait for the online event instead.
    if (retry.waiting === 'timer') holdUntilOnline()
  }

  function holdUntilOnline(): void {
    retry.holdUntilOnline()
    log('offline: waiting for the online event')
  }

  function onVisibilityChange(): void {
    if (!wanted) return
    if (isHidden(options)) {
      if (pausedHidden) return
      pause()
      openedAt = null
      snapshot = null
      setStatus('idle')
    } else if (pausedHidden) {
      pausedHidden = false
      // Shown again: a new streak, so a token that expired while hidden can still be refreshed.
      tokens.newStreak()
      reconnectNow()
    }
  }

  // --- the state and the app's callbacks ----------------------------------------------------------

  function getState(): ConnectionState {
    // Per-message fields are compared on read, so messages themselves never allocate a state.
    if (snapshot === null || snapshot.lastEventId !== parser.lastEventId || snapshot.lastMessageAt !== lastMessageAt) {
      snapshot = { status, lastEventId: parser.lastEventId, attempt, error, openedAt, lastMessageAt, reconnects }
    }
    return snapshot
  }

  /** Sets the status, telling onStateChange only of a change; false as {@link changed}. */
  function setStatus(next: SseStatus): boolean {
    if (next === status) return true
    return enter(next)
  }

  /** Sets the status and tells onStateChange even when it is unchanged (the attempt or the error moved). */
  function enter(next: SseStatus): boolean {
    status = next
    return changed()
  }

  /** Tells onStateChange of a new state; false when it closed or restarted the connection meanwhile. */
  function changed(): boolean {
    snapshot = null
    log('state', status, 'attempt', attempt)
    return notify(callbacks.onStateChange, getState())
  }

  /** Records and tells an error; false when onError closed or restarted the connection meanwhile. */
  function report(reported: SseError): boolean {
    error = reported
    log('error', reported.kind, reported.status ?? '', reported.message)
    return notify(callbacks.onError, reported)
  }

  /**
   * Calls an app callback; a throw becomes a `handler` error instead of breaking the stream. False when
   * the callback closed, restarted or paused the connection: the step that called it ends there.
   */
  function notify<T>(callback: ((value: T) => void) | undefined, value: T): boolean {
    const gen = generation
    guarded(() => callback?.(value), callbackThrew)
    return gen === generation
  }

  function callbackThrew(cause: unknown): void {
    log('a callback threw', cause)
    callbacks.onError?.(new SseError('handler', `A connection callback threw: ${String(cause)}`, { cause }))
  }
}
