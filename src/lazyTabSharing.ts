// What a tab loads when it joins a tab group, as one chunk that the hub imports on demand: an app with
// `share: false` never downloads it. A tab on its own needs none of it.
import type { TabShareOptions } from './core/tabShare'
import type { SseHubEnvironment } from './options'

export { shareKey } from './core/shareKey'
export { createEndedLogins } from './core/tabGroup'
export { createTabShare } from './core/tabShare'
export { snapshotToText } from './store/snapshotText'
export { takeSnapshot, hydrateState } from './store/snapshot'
export { rawSnapshot } from './store/rawPayload'

/**
 * The Web Locks and BroadcastChannel the hub's `environment` gives; one it leaves out stays undefined,
 * which makes the tab share use the page's.
 */
export function sharingPlatform({ locks, BroadcastChannel }: SseHubEnvironment): Pick<TabShareOptions, 'locks' | 'BroadcastChannel'> {
  return { locks, BroadcastChannel }
}
