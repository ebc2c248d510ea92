// Reconnects of the current login, as every tab of it shows them. The connection's own count runs on
// across logins and tab hand-overs, so only its increases are added here.
import type { ConnectionState } from '../core/connection'

export interface LoginReconnects {
  /** A login starts connecting: its first open is not a reconnect. */
  startLogin(): void
  /** This tab's connection changed: adds its new reconnects. Returns the login's count. */
  observe(state: Readonly<ConnectionState>): number
  /** The count of this login another tab reports (the leader's state, a snapshot): the larger wins. */
  adopt(count: number): void
  /** The login ended; `connectionCount` is the connection's own count now. */
  reset(connectionCount: number): void
}

export function createLoginReconnects(): LoginReconnects {
  let count = 0
  // How many of the connection's reconnects are already in `count`.
  let counted = 0
  let firstOpen = false

  return {
    startLogin() {
      firstOpen = true
    },
    observe(state) {
      if (firstOpen && state.status === 'open') {
        firstOpen = false
        counted = state.reconnects
      } else if (state.reconnects > counted) {
        count += state.reconnects - counted
        counted = state.reconnects
      }
      return count
    },
    adopt(other) {
      count = Math.max(count, other)
    },
    reset(connectionCount) {
      count = 0
      counted = connectionCount
    },
  }
}
