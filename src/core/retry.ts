// The wait before the next attempt: a timer, or a hold until the browser is back online; and the
// earliest time a server's Retry-After allows, which no shortcut (online, tab shown) may cut.
import { startTimer } from './timer'

/** What the next attempt waits for: its timer, the browser back online, or nothing (`''`). */
export type RetryWaiting = '' | 'timer' | 'online'

export interface RetryWait {
  readonly waiting: RetryWaiting
  /** Starts the attempt after `delay` ms, replacing any wait. */
  after(delay: number): void
  /** Waits for the browser to be back online instead of a timer. */
  holdUntilOnline(): void
  /** Ends the wait; `forget` also drops the Retry-After time. */
  cancel(forget?: boolean): void
  /** Records the server's Retry-After, in ms from now, or `null` when it asked for none. */
  notBefore(retryAfter: number | null): void
  /** ms left before the Retry-After ends: 0 or less once it has, or when there is none. */
  remaining(): number
}

export function createRetryWait(attempt: () => void): RetryWait {
  let waiting: RetryWaiting = ''
  let timer: ReturnType<typeof setTimeout> | undefined
  /** ms since epoch; 0 when the server asked for nothing. */
  let notBefore = 0

  function hold(next: RetryWaiting): void {
    clearTimeout(timer)
    waiting = next
  }

  return {
    get waiting(): RetryWaiting {
      return waiting
    },
    after(delay: number): void {
      hold('timer')
      timer = startTimer(() => {
        waiting = ''
        attempt()
      }, delay)
    },
    holdUntilOnline: () => hold('online'),
    cancel(forget?: boolean): void {
      hold('')
      if (forget) notBefore = 0
    },
    notBefore(retryAfter: number | null): void {
      notBefore = retryAfter === null ? 0 : Date.now() + retryAfter
    },
    remaining: () => notBefore - Date.now(),
  }
}
