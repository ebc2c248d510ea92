/**
 * Playground settings read once from the page address, so browser tests can shorten timings
 * without changing what humans get: `?heartbeatTimeout=2000&share=0`.
 */
export interface PlaygroundSettings {
  /** Watchdog timeout passed to the plugin; undefined keeps the library default (45 s). */
  heartbeatTimeout: number | undefined
  /** Share one connection across tabs. */
  share: boolean
}

export function readSettings(search: string = window.location.search): PlaygroundSettings {
  const params = new URLSearchParams(search)
  const heartbeat = Number(params.get('heartbeatTimeout'))
  return {
    heartbeatTimeout: Number.isFinite(heartbeat) && heartbeat > 0 ? heartbeat : undefined,
    share: params.get('share') !== '0',
  }
}
