import { randomBytes } from 'node:crypto'

/** Issued tokens and the user each one stands for. */
export interface TokenStore {
  /** A new token for `user`, valid for `ttlMs` (forever by default). */
  issue(user: string, ttlMs?: number): string
  /** Registers a chosen token (tests). */
  register(token: string, user: string, ttlMs?: number): void
  /** The user of a valid token, or null (unknown, revoked or expired). */
  verify(token: string | null | undefined): string | null
  revoke(token: string): void
  /** Revokes every token of a user. */
  revokeUser(user: string): void
  /** Makes a token expire now (it answers 401 from then on). */
  expire(token: string): void
}

export function createTokenStore(now: () => number = Date.now): TokenStore {
  const tokens = new Map<string, { user: string; expiresAt: number }>()

  function register(token: string, user: string, ttlMs = Number.POSITIVE_INFINITY): void {
    tokens.set(token, { user, expiresAt: now() + ttlMs })
  }

  return {
    issue(user, ttlMs) {
      const token = `tok_${randomBytes(12).toString('hex')}`
      register(token, user, ttlMs)
      return token
    },
    register,
    verify(token) {
      if (!token) return null
      const entry = tokens.get(token)
      if (!entry || entry.expiresAt <= now()) return null
      return entry.user
    },
    revoke(token) {
      tokens.delete(token)
    },
    revokeUser(user) {
      for (const [token, entry] of tokens) if (entry.user === user) tokens.delete(token)
    },
    expire(token) {
      const entry = tokens.get(token)
      if (entry) entry.expiresAt = now()
    },
  }
}
