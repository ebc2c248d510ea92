// What a tab loads when it joins a tab group, as one chunk that the hub imports on demand: an app with
// `share: false` never downloads it. A tab on its own needs none of it.
import type { TabShareOptions } from './core/tabShare'
import type { SseHubEnvironment } from './options'

export { createEndedLogins } from './core/tabGroup'
export { createTabShare } from './core/tabShare'
export { snapshotToText } from './store/snapshotText'

/** The Web Locks and BroadcastChannel the hub's `environment` gives; the page's for those it leaves out. */
export function sharingPlatform(environment: SseHubEnvironment): Pick<TabShareOptions, 'locks' | 'BroadcastChannel'> {
  return {
    ...(environment.locks !== undefined && { locks: environment.locks }),
    ...(environment.BroadcastChannel !== undefined && { BroadcastChannel: environment.BroadcastChannel }),
  }
}
