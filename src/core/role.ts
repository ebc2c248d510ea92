// The part a tab plays in the user's one connection.

/**
 * - `solo`: the tab holds its own stream (`share: false`, or no Web Locks / BroadcastChannel).
 * - `leader`: it holds the stream for every tab of the login and relays what arrives.
 * - `follower`: another tab holds the stream; this one gets the relay and holds none itself (also the
 *   role while the election is undecided, and after leaving the group).
 */
export type SseRole = 'solo' | 'leader' | 'follower'
