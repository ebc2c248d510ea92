// A connection that never touches the network: the testing kit sets its state and feeds it messages,
// which the hub then handles exactly as it handles a live stream's.
import type { ConnectionCallbacks, ConnectionState, CreateConnectionOptions, SseConnection, SseStatus } from '../core/connection'
import { SseError } from '../core/errors'
import type { RawSseMessage } from '../core/protocol'

/** The connection plus what the testing kit does to it. */
export interface FakeConnection extends SseConnection {
  /** Hands one raw event to the hub, as the parser of an open stream would. */
  receive(message: RawSseMessage): void
  /** Moves to `status`, as a live connection would (an `open` after an earlier one counts a reconnect). */
  moveTo(status: SseStatus): void
  /** Reports `error` and moves to `status`, as a live connection does when an attempt fails. */
  failWith(error: SseError, status: SseStatus): void
}

/** The `createConnection` of the testing kit: same options and callbacks, no network. */
export function createFakeConnection(options: CreateConnectionOptions, callbacks: ConnectionCallbacks = {}): FakeConnection {
  let state: ConnectionState = { status: 'idle', lastEventId: '', attempt: 0, error: null, openedAt: null, lastMessageAt: null, reconnects: 0 }
  let everOpened = false

  function change(patch: Partial<ConnectionState>): void {
    state = { ...state, ...patch }
    callbacks.onStateChange?.(state)
  }

  function moveTo(status: SseStatus): void {
    if (status === 'open') {
      const reconnects = everOpened ? state.reconnects + 1 : state.reconnects
      everOpened = true
      change({ status, attempt: 0, error: null, openedAt: Date.now(), reconnects })
    } else {
      change({ status, openedAt: status === 'connecting' || status === 'reconnecting' ? null : state.openedAt })
    }
  }

  function open(): void {
    // The stream goes on from the hub's resume point, as a live connection's would.
    if (options.resumeFrom) state = { ...state, lastEventId: options.resumeFrom() }
    moveTo('open')
  }

  return {
    get state() {
      return state
    },
    open() {
      if (state.status === 'idle' || state.status === 'closed') open()
    },
    close() {
      const wasActive = state.status !== 'closed' && state.status !== 'idle'
      everOpened = false
      state = { ...state, openedAt: null, lastMessageAt: null }
      if (wasActive) change({ status: 'closed' })
    },
    restart: open,
    setLastEventId(id) {
      if (state.lastEventId !== id) change({ lastEventId: id })
    },
    receive(message) {
      if (state.status !== 'open') {
        throw new SseError('config', `The testing hub's stream is ${state.status}, not open: log in (or call hub.connect()) before emitting`)
      }
      state = { ...state, lastEventId: message.lastEventId, lastMessageAt: Date.now() }
      callbacks.onMessage?.(message)
    },
    moveTo,
    failWith(error, status) {
      state = { ...state, error, attempt: state.attempt + 1, openedAt: null }
      callbacks.onError?.(error)
      moveTo(status)
    },
  }
}
