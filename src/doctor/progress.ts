// What the doctor is doing, as a progress line while it waits.
import type { ConnectionRole } from './observations'

/** The requests after the first, as a progress line names them. */
export type ConnectRole = Exclude<ConnectionRole, 'main'> | 'anonymous' | 'preflight'

/** What the doctor is doing, for a progress line. */
export type DoctorProgress =
  | { phase: 'listen'; elapsed: number; total: number; events: number; comments: number; longestSilence: number }
  | { phase: 'connect'; role: ConnectRole }
