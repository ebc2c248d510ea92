import type { SseBus } from './core/bus'
import type { SseStatus } from './core/connection'
import type { SseHubOptions } from './options'

/** Which part a tab plays in the shared connection. */
export type SseRole = 'solo' | 'leader' | 'follower'

/** The hub: one connection, its bus, its login watch. Created by `createSseHub` or `ssePlugin`. */
export interface SseHub extends Pick<SseBus, 'on' | 'once' | 'off' | 'clear' | 'listenerCount'> {
  /** Current status (also in the store). */
  readonly status: SseStatus
  /** Opens the connection (if not open). */
  connect(): void
  /** Closes the connection and resets the store. */
  disconnect(): void
  /** Stops everything: watchers, timers, connection, listeners. */
  dispose(): void
  /** The options the hub was created with. */
  readonly options: Readonly<SseHubOptions>
}
