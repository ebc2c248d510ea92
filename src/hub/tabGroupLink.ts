// Joins this tab to its login's tab group: tab sharing is loaded on demand (an app with
// `share: false` never downloads it), and a logout, another login or dispose while it loads makes
// that join stale.
import type { EndedLogins } from '../core/tabGroup'
import type { GroupSnapshot, TabShare, TabShareCallbacks } from '../core/tabShare'
import type * as TabSharing from '../lazyTabSharing'
import type { SseHubEnvironment } from '../options'

/** What the hub does when the group speaks, plus what the link asks of it. */
export interface GroupReactions extends Omit<TabShareCallbacks, 'onSnapshot'> {
  /** Leader side: the store and resume point for a tab that joins, with the chunk's snapshot code. */
  snapshot(sharing: typeof TabSharing): GroupSnapshot
  /** A tab that joined gets the leader's snapshot, merged with the chunk's snapshot code. */
  adopt(snapshot: GroupSnapshot, sharing: typeof TabSharing): void
  /** Whatever a callback throws and what cannot be posted. */
  onError(error: unknown): void
  /** A channel message dropped as not this tab's, with the reason. */
  onDrop(reason: string, dropped: number): void
  /** Tab sharing could not be loaded: this tab goes on alone. */
  onLoadFailed(cause: unknown): void
}

/** What decides a login's group: the stream's absolute url and the token (null with cookie sessions). */
export interface GroupLogin {
  url: string
  token: string | null
}

export interface TabGroupLink {
  /** The group this tab is in, once loaded and joined. */
  readonly share: TabShare | undefined
  /** Whether `login` belongs to another group than the one joined (false until one is joined). */
  movedAway(login: GroupLogin): boolean
  /** Loads tab sharing (once) and joins the group of `login()`, read when it has loaded. */
  join(login: () => GroupLogin): void
  /** Leaves the group (a join still loading is dropped); `broadcastLogout` logs the other tabs out too. */
  leave(broadcastLogout: boolean): void
}

export function createTabGroupLink(environment: SseHubEnvironment, reactions: GroupReactions): TabGroupLink {
  let share: TabShare | undefined
  let keyInUse = ''
  let shareKey: typeof TabSharing.shareKey | undefined
  // Counts the joins, so that one still loading when the user leaves is dropped.
  let attempt = 0
  // Logins this tab left or heard end: a later login of this tab never takes their messages. Made
  // with the first group this tab joins, kept for every later one.
  let endedLogins: EndedLogins | undefined

  function enter(sharing: typeof TabSharing, login: GroupLogin): void {
    shareKey = sharing.shareKey
    const key = shareKey(login.url, login.token)
    keyInUse = key
    endedLogins ??= sharing.createEndedLogins()
    const current: TabShare = sharing.createTabShare({
      ...reactions,
      key,
      ended: endedLogins,
      ...sharing.sharingPlatform(environment),
      getSnapshot: () => reactions.snapshot(sharing),
      onSnapshot: (snapshot) => reactions.adopt(snapshot, sharing),
      onDrop: (reason) => reactions.onDrop(reason, current.dropped),
    })
    share = current
    current.start()
  }

  return {
    get share() {
      return share
    },
    movedAway(login) {
      return share !== undefined && shareKey!(login.url, login.token) !== keyInUse
    },
    join(login) {
      const joining = ++attempt
      // Deliberately not awaited: the tab follows until the election settles.
      void import('../lazyTabSharing').then(
        (sharing) => {
          if (joining === attempt) enter(sharing, login())
        },
        (cause: unknown) => {
          if (joining === attempt) reactions.onLoadFailed(cause)
        },
      )
    },
    leave(broadcastLogout) {
      attempt++
      if (broadcastLogout) share?.broadcastLogout()
      share?.stop()
      share = undefined
    },
  }
}
