// Timeouts of any length: a timer holds at most ~24.8 days and fires at once beyond it, so a longer
// wait (a far Retry-After, a heartbeatTimeout of Infinity) would spin instead of waiting.

/** Longest delay a timer keeps, in ms. */
export const MAX_TIMER_DELAY = 2_147_483_647

/** `setTimeout` with the delay capped at {@link MAX_TIMER_DELAY}. */
export function startTimer(fire: () => void, delay: number): ReturnType<typeof setTimeout> {
  return setTimeout(fire, Math.min(delay, MAX_TIMER_DELAY))
}
