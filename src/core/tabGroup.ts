// Which login a tab group serves and which tab leads it, as one tab hears it: the rules that keep
// a tab from taking another login's data, or an earlier leader's, for its own.
import { randomId } from './randomId'

/**
 * Logins that ended in this tab (its own logout, or one it heard of): kept across logins, so that a
 * tab signed in again never takes a message, a snapshot or a leader of the previous login for its own.
 */
export interface EndedLogins {
  add(login: string): void
  has(login: string): boolean
}

/** A bounded set of ended logins; the oldest is forgotten first. */
export function createEndedLogins(limit = 32): EndedLogins {
  const ended: string[] = []
  return {
    add(login) {
      if (login === '' || ended.includes(login)) return
      ended.push(login)
      if (ended.length > limit) ended.shift()
    },
    has: (login) => login !== '' && ended.includes(login),
  }
}

/** What to do with another tab's announcement that it leads. */
export type LeadVerdict =
  /** Follow it: the leader of this tab's login (or the first one this tab hears of). */
  | 'follow'
  /** It leads another login than the one this tab holds data of: forget that data, then follow. */
  | 'regroup'
  /** Stale or ended: ignore it. */
  | 'drop'

/**
 * The identity of a tab group: which login it serves (an id that every logout and login changes) and
 * which tab leads it. One per tab and login. A tab applies relayed messages and state only from the
 * leader it knows, for its own login; everything else is someone else's, or stale.
 */
export interface TabGroup {
  /** The login this tab belongs to; '' until a leader tells it (or it leads). */
  readonly login: string
  /** This tab takes the lead: it keeps its login (a failover) or starts a new one. */
  lead(tabId: string): { login: string; term: number }
  /** Another tab says it leads `login` (term: its place in that login's line of leaders). */
  heardLead(from: string, login: string, term: number): LeadVerdict
  /** A snapshot from `from` for this tab: whether to take it (and its sender as leader). */
  heardSnapshot(from: string, login: string, term: number): boolean
  /** Whether a relayed message or state comes from the known leader of this tab's login. */
  isLeader(from: string, login: string): boolean
  /** Whether a message about `login` (an acknowledgement, a retry) concerns this tab's login. */
  isOwn(login: string): boolean
  /**
   * Another tab logged out of `login` ('' from a tab that had not learnt its login: whatever login
   * the group has): whether that ends this tab's login. Logins heard to end are remembered in
   * `ended`; one this tab's own logout ended stays ended when it signs in again, whoever repeats it.
   */
  heardLogout(login: string): boolean
  /** This tab logs out: the login to tell the other tabs of ('' when it has not learnt it yet). */
  signOut(): string
  /** A tab went away; when it led, the leader is unknown until the next one speaks. */
  forget(tabId: string): void
}

export function createTabGroup(ended: EndedLogins): TabGroup {
  let login = ''
  let leaderId = ''
  // Grows with every hand-over within a login: an announcement of an earlier leader, delivered late,
  // never replaces a later one.
  let term = 0

  /**
   * Another tab speaks as the leader of `nextLogin`, at `nextTerm`. 'drop': an ended login (or none);
   * 'regroup': another login than the one this tab holds data of; 'stale': an earlier leader of this
   * login; 'follow': it is the leader from now on (only this answer follows it).
   */
  function hear(from: string, nextLogin: string, nextTerm: number): LeadVerdict | 'stale' {
    if (nextLogin === '' || ended.has(nextLogin)) return 'drop'
    if (login !== '' && nextLogin !== login) return 'regroup'
    // Two leaders of one term: a tab took over having missed a short-lived leader's announcement;
    // the later announcement is the living one.
    if (login !== '' && nextTerm < term) return 'stale'
    follow(from, nextLogin, nextTerm)
    return 'follow'
  }

  function follow(from: string, nextLogin: string, nextTerm: number): void {
    login = nextLogin
    leaderId = from
    term = nextTerm
  }

  const isOwn = (other: string): boolean => login !== '' && other === login

  return {
    get login() {
      return login
    },
    lead(tabId) {
      if (login === '') login = randomId()
      leaderId = tabId
      term++
      return { login, term }
    },
    heardLead(from, nextLogin, nextTerm) {
      const heard = hear(from, nextLogin, nextTerm)
      if (heard === 'regroup') follow(from, nextLogin, nextTerm)
      return heard === 'stale' ? 'drop' : heard
    },
    // Same login: the data is good even from a leader that has since handed over.
    heardSnapshot(from, nextLogin, nextTerm) {
      const heard = hear(from, nextLogin, nextTerm)
      return heard === 'follow' || heard === 'stale'
    },
    isLeader: (from, fromLogin) => isOwn(fromLogin) && from === leaderId,
    isOwn,
    heardLogout(other) {
      // '' from a tab that had not learnt its login: it logs out of whatever login the group has.
      const ending = other || login
      if (ending === '') return true
      if (ended.has(ending)) return false
      ended.add(ending)
      // A tab still joining joins the group that logs out: it ends with it.
      return login === '' || ending === login
    },
    signOut() {
      ended.add(login)
      return login
    },
    forget(tabId) {
      if (tabId === leaderId) leaderId = ''
    },
  }
}
