// When a stream's silence means it is dead: the watchdog of the fetch transport, and how long a quiet
// EventSource stream (which hides the server's comments) must stay open to prove itself.
import type { ReconnectOptions } from './connectionOptions'
import { SseError } from './errors'
import { startTimer } from './timer'

/** Calls `onDead` once no byte has arrived for the timeout. */
export interface Watchdog {
  /** A byte arrived (or an attempt began): the silence starts over. */
  touch(): void
  /** Starts watching the silence since the last {@link Watchdog.touch}; a timeout of 0 or less never does. */
  start(): void
  /** Stops watching (the attempt ended). */
  stop(): void
}

/** One timer per period, re-armed lazily from the last byte's time: chunks never touch a timer. */
export function createWatchdog(timeout: number, onDead: (error: SseError) => void): Watchdog {
  let lastByteAt = 0
  let timer: ReturnType<typeof setTimeout> | undefined

  function arm(delay: number): void {
    timer = startTimer(check, delay)
  }

  function check(): void {
    const idle = Date.now() - lastByteAt
    if (idle < timeout) arm(timeout - idle)
    else onDead(new SseError('heartbeat', `No data for ${timeout} ms: the connection is considered dead`))
  }

  return {
    touch(): void {
      lastByteAt = Date.now()
    },
    start(): void {
      if (timeout > 0) arm(timeout)
    },
    stop(): void {
      clearTimeout(timer)
    },
  }
}

/**
 * How long an EventSource stream that delivered nothing must stay open to count as a good open: as
 * long as the server may be silent, or, without a watchdog, the longest backoff.
 */
export function quietStreamGrace(heartbeatTimeout: number, reconnect: Required<ReconnectOptions> | false): number {
  if (heartbeatTimeout > 0) return heartbeatTimeout
  return reconnect === false ? 0 : reconnect.maxDelay
}
