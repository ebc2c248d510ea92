// What the user does to the alarms in one tab (mark read, mark all read, clear), every tab of the
// login does too, so the unread badge agrees everywhere.
import type { SseStore } from '../store/useSseStore'

/** Where acknowledgements go to and come from: the tab group, while this tab is in one. */
export interface AlarmBroadcast {
  broadcastAcknowledge(ids: string[], clear: boolean): void
}

export interface AlarmSync {
  /** Applies what another tab's user did, without sending it on again. */
  applyRemote(ids: string[], clear: boolean): void
  /** Stops sending this tab's acknowledgements. */
  stop(): void
}

/** Sends the acknowledgements made in `store` to `group()`, and applies those that come from it. */
export function syncAlarms(store: SseStore, group: () => AlarmBroadcast | undefined): AlarmSync {
  // Set while a remote acknowledgement is applied here, so that it is not sent on again.
  let applyingRemote = false

  const stop = store.$onAction(({ name, args, store: target, after }) => {
    const share = group()
    if (applyingRemote || !share) return
    if (name === 'acknowledge') {
      const [ids] = args
      after(() => share.broadcastAcknowledge(typeof ids === 'string' ? [ids] : [...ids], false))
    } else if (name === 'clearAlarms') {
      after(() => share.broadcastAcknowledge([], true))
    } else if (name === 'acknowledgeAll') {
      // What was unread here, not "all": an alarm another tab got since the click stays unread there.
      const ids = target.alarms.filter((alarm) => !alarm.read).map((alarm) => alarm.id)
      if (ids.length > 0) after(() => share.broadcastAcknowledge(ids, false))
    }
  }, true)

  return {
    applyRemote(ids, clear) {
      applyingRemote = true
      try {
        if (clear) store.clearAlarms()
        else store.acknowledge(ids)
      } finally {
        applyingRemote = false
      }
    },
    stop,
  }
}
