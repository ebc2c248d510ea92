// The token of each attempt, and the 401/403 rule: `onUnauthorized` is asked at most once per streak
// of failures, and the token it returns stands in for the `token` option until the login ends.
import { read } from './connectionOptions'
import type { ConnectionOptions } from './connectionOptions'

type Refresh = NonNullable<ConnectionOptions['onUnauthorized']>

export interface TokenRefresh {
  /** The token of the next attempt: the refreshed one, else the option's, read now. */
  token(): string | null | undefined
  /** `onUnauthorized` when it may be asked (once per streak of failures): taking it counts as asking. */
  take(): Refresh | undefined
  /** Keeps a token `onUnauthorized` returned for the next attempts; `undefined` drops the kept one. */
  keep(token: string | undefined): void
  /** A new streak of failures begins: `onUnauthorized` may be asked again. */
  newStreak(): void
}

export function createTokenRefresh(options: Pick<ConnectionOptions, 'token' | 'onUnauthorized'>): TokenRefresh {
  let refreshed: string | undefined
  let asked = false
  return {
    token: () => refreshed ?? read(options.token),
    take(): Refresh | undefined {
      const refresh = options.onUnauthorized
      if (!refresh || asked) return undefined
      asked = true
      return refresh
    },
    keep(token: string | undefined): void {
      refreshed = token
    },
    newStreak(): void {
      asked = false
    },
  }
}

/** The token in `onUnauthorized`'s answer: a non-empty string, else `undefined` (stop). */
export function freshToken(answer: string | null | undefined): string | undefined {
  return typeof answer === 'string' && answer !== '' ? answer : undefined
}
