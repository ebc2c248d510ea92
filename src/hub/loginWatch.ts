// Turns the login source (`token`, or `loggedIn` for cookie logins) into the hub's login, logout and
// token-change calls.
import { effectScope, toValue, watch } from 'vue'
import type { EffectScope } from 'vue'
import { jwtSubject } from '../core/userKey'
import type { SseHubOptions } from '../options'

export interface LoginReactions {
  /** The user logged in (or the token appeared). */
  login(): void
  /** The user logged out (the token went). */
  logout(): void
  /**
   * The token changed while logged in: a refresh, or `otherUser` when both tokens name their user
   * (JWT `sub`) and the users differ. Opaque tokens cannot tell.
   */
  tokenChanged(otherUser: boolean): void
}

/**
 * Watches the login source, at once: a truthy value logs in. Returns the scope that holds the watch
 * (stop it on dispose). `onToken` hears every token first, so the reactions see the current one.
 */
export function watchLogin(
  options: Pick<SseHubOptions, 'token' | 'loggedIn'>,
  onToken: (token: string | null | undefined) => void,
  reactions: LoginReactions,
): EffectScope {
  const scope = effectScope(true)
  // Synchronous: a logout and the next login in one tick (a "switch account" action) must still
  // reset the store and close the stream in between, not look like a token refresh.
  const watchOptions = { immediate: true, flush: 'sync' } as const
  scope.run(() => {
    if (options.token !== undefined) {
      watch(
        () => toValue(options.token),
        (next, previous) => {
          onToken(next)
          if (!next) reactions.logout()
          else if (previous) reactions.tokenChanged(isOtherUser(previous, next))
          else reactions.login()
        },
        watchOptions,
      )
    } else if (options.loggedIn !== undefined) {
      watch(
        () => Boolean(toValue(options.loggedIn)),
        (loggedIn) => (loggedIn ? reactions.login() : reactions.logout()),
        watchOptions,
      )
    }
  })
  return scope
}

/** Both tokens name their user (JWT `sub`) and the users differ. */
function isOtherUser(previous: string, next: string): boolean {
  const before = jwtSubject(previous)
  const after = jwtSubject(next)
  return before !== null && after !== null && before !== after
}
