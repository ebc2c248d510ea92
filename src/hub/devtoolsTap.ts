// What development tools (Vue Devtools) see of a hub: every message delivered, every state shown and
// every message dropped, and a look at its parts on demand. Development builds only: the hub calls
// in here behind `__DEV__`, which production builds drop with this module.
import type { RelayedConnectionState } from '../core/relayedState'
import type { SseRole } from '../core/role'
import type { SseMessage } from '../core/protocol'

/** One thing that happened in a hub. */
export type HubEvent =
  | { kind: 'message'; message: SseMessage; via: 'stream' | 'relay' }
  | { kind: 'state'; state: RelayedConnectionState; role: SseRole }
  | { kind: 'role'; role: SseRole }
  | { kind: 'drop'; reason: string }

/** The hub's parts as they stand. */
export interface HubInsight {
  role: SseRole
  /** Handlers registered for one messageType (or `'*'`), or in all. */
  listenerCount(type?: string): number
  /** The tab group this tab is in, when it is in one. */
  group: { tabId: string; login: string; role: SseRole; dropped: number } | undefined
}

/** Hears a hub's events, each with the time it happened (ms since epoch). */
export type HubListener = (event: HubEvent, at: number) => void

interface Tap {
  listeners: Set<HubListener>
  inspect: () => HubInsight
  /** The latest events, for a tool that arrives late (Devtools load after the first connection steps). */
  history: Array<[HubEvent, number]>
}

/** Events a late tool is told of. */
const HISTORY = 100

const taps = new WeakMap<object, Tap>()

/** The hub's side: registers `hub` and returns the function it reports events to. */
export function createTap(hub: object, inspect: () => HubInsight): (event: HubEvent) => void {
  const tap: Tap = { listeners: new Set(), inspect, history: [] }
  taps.set(hub, tap)
  return (event) => {
    const at = Date.now()
    tap.history.push([event, at])
    if (tap.history.length > HISTORY) tap.history.shift()
    for (const listener of tap.listeners) listener(event, at)
  }
}

/**
 * The tool's side: hears `hub`'s events until `off()`, starting with the latest ones that happened
 * before. Undefined for a hub of a production build.
 */
export function tapHub(hub: object, listener: HubListener): { off(): void; inspect(): HubInsight } | undefined {
  const tap = taps.get(hub)
  if (!tap) return undefined
  for (const [event, at] of tap.history) listener(event, at)
  tap.listeners.add(listener)
  return { off: () => tap.listeners.delete(listener), inspect: tap.inspect }
}
