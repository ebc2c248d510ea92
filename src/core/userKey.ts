// Who a token belongs to: the JWT subject, read without verifying (the server does that).
import { isRecord } from './isRecord'

/** The `sub` claim of a JWT (a leading `Bearer ` ignored), or null for opaque tokens. */
export function jwtSubject(token: string): string | null {
  const parts = token.replace(/^Bearer\s+/i, '').split('.')
  if (parts.length !== 3 || parts[1] === '') return null
  try {
    const base64 = parts[1].replace(/-/g, '+').replace(/_/g, '/')
    // Forgiving base64: atob accepts the missing padding.
    const binary = atob(base64)
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0))
    const payload: unknown = JSON.parse(new TextDecoder().decode(bytes))
    const sub = isRecord(payload) ? payload.sub : undefined
    if (typeof sub === 'string' && sub !== '') return sub
    if (Number.isFinite(sub)) return String(sub)
    return null
  } catch {
    return null
  }
}
