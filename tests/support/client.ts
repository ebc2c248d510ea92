import { createConnection } from '../../src/core/connection'
import type { ConnectionState, CreateConnectionOptions, SseConnection } from '../../src/core/connection'
import type { SseError } from '../../src/core/errors'
import type { RawSseMessage } from '../../src/core/protocol'

/** A connection plus everything it reported, for assertions. */
export interface RecordingClient {
  connection: SseConnection
  messages: RawSseMessage[]
  /** `messageData` of every JSON message, in arrival order. */
  payloads: unknown[]
  /** messageType of every JSON message. */
  types: string[]
  states: ConnectionState[]
  errors: SseError[]
  /** Resolves once `predicate()` holds; rejects after `timeoutMs`. */
  until(predicate: () => boolean, timeoutMs?: number, what?: string): Promise<void>
  /** Resolves once the status is `status`. */
  untilStatus(status: ConnectionState['status'], timeoutMs?: number): Promise<void>
}

export function recordingClient(options: CreateConnectionOptions): RecordingClient {
  const messages: RawSseMessage[] = []
  const payloads: unknown[] = []
  const types: string[] = []
  const states: ConnectionState[] = []
  const errors: SseError[] = []
  const connection = createConnection(options, {
    onMessage(message) {
      messages.push(message)
      try {
        const json = JSON.parse(message.data) as { messageType: string; messageData: unknown }
        types.push(json.messageType)
        payloads.push(json.messageData)
      } catch {
        types.push('(malformed)')
        payloads.push(undefined)
      }
    },
    onStateChange(state) {
      states.push({ ...state })
    },
    onError(error) {
      errors.push(error)
    },
  })
  const until = (predicate: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> =>
    new Promise((resolve, reject) => {
      const started = Date.now()
      const check = (): void => {
        if (predicate()) resolve()
        else if (Date.now() - started > timeoutMs) {
          reject(new Error(`Timed out waiting for ${what}; status ${connection.state.status}, errors: ${errors.map((e) => `${e.kind}:${e.message}`).join(' | ')}`))
        } else setTimeout(check, 5)
      }
      check()
    })
  return {
    connection,
    messages,
    payloads,
    types,
    states,
    errors,
    until,
    untilStatus: (status, timeoutMs) => until(() => connection.state.status === status, timeoutMs, `status ${status}`),
  }
}

/** Fast reconnection settings for tests. */
export const fastReconnect = { initialDelay: 50, maxDelay: 200, factor: 2, jitter: 0 } as const

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
