// Shared by the bench pages and the Node side: how a page recognises the last message of a run.

/** Calc id of the last message of every run. */
export const LAST_CALC_ID = 'calc-1'
/** `message` field of the last message of every run (an end of LAST_CALC_ID). */
export const LAST_MESSAGE = 'bench:last'

/** What a page reports once a run is over (see `harness.ts`). */
export interface PageResult {
  /** Messages that reached the store. */
  delivered: number
  /** When the store reflected the last message (ms since epoch, sub-ms), or null. */
  settledAt: number | null
  /** Durations of the long tasks (>= 50 ms) that started after `since`, in ms. */
  longTasks: number[]
  /** `.el-notification` elements in the document. */
  popups: number
}

/** The harness every bench page installs on `window.__bench`. */
export interface BenchWindowApi {
  isOpen(): boolean
  settledAt: number | null
  collect(since: number): PageResult
}

/** One message as a tab of `tabs.html?record=1` delivered it. */
export interface DeliveredMessage {
  /** Event id. */
  id: string
  /** When it was delivered (ms since epoch, sub-ms). */
  at: number
  /** The tab's role at that moment. */
  role: string
}

/** What `tabs.html` adds on `window.__benchTabs`. */
export interface TabsWindowApi {
  /** This tab's role: `leader`, `follower` (or `solo`). */
  role(): string
  /** Ids of the messages whose popup this tab decided (shown or counted in its summary). */
  popupIds: string[]
  /** Every message delivered in this tab, with `record=1`; empty otherwise. */
  delivered: DeliveredMessage[]
}
