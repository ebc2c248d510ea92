// What the doctor saw on every connection it opened, the input of every check.
import type { DoctorOptions } from './options'
import type { StreamProbe } from './probe'
import type { TriggerRun } from './trigger'

/** What a connection was for, in the order the doctor opens them. */
export type ConnectionRole = 'main' | 'resume-header' | 'resume-query' | 'fresh'

/** One authenticated stream connection and why it was opened. */
export interface Connection {
  role: ConnectionRole
  probe: StreamProbe
  /** The id it resumed from (resume connections). */
  fromId?: string
  /** The trigger pulled while this connection was open (main) or just before it opened (resume). */
  trigger?: TriggerRun
}

/** Everything the doctor saw; the checks are pure functions of it. */
export interface Observations {
  options: DoctorOptions
  /** The authenticated stream connections, in the order they were opened (`main` first). */
  connections: Connection[]
  /** When the doctor stopped listening to `main`, in ms after its request (its end if it ended first). */
  listenedUntil: number
  /** The request without credentials (absent when none were given). */
  anonymous?: StreamProbe
  /** The CORS preflight (with `--origin`). */
  preflight?: StreamProbe
}

/** The connection of a role, if it was opened. */
export function connectionOf(observations: Observations, role: ConnectionRole): Connection | undefined {
  return observations.connections.find((c) => c.role === role)
}

/** The first connection, listened to for the whole window. */
export function mainConnection(observations: Observations): Connection {
  return observations.connections[0]
}

/** True when the answer was a 200 that the doctor read as a stream. */
export function isOpenStream(probe: StreamProbe): boolean {
  return probe.response?.stream === true
}
