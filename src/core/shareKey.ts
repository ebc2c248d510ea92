// Which tabs share a stream: a key from the url and the user (JWT subject, or the token), hashed.
// Loaded with tab sharing: a tab on its own never needs it.
import { jwtSubject } from './userKey'

/**
 * Share key for a user: a hash of the url, plus a hash of the token's subject (the JWT `sub` claim
 * when the token is a JWT with one, else the whole token). No token (cookie sessions): the url alone.
 * Only hashes go into lock and channel names, which every script of the origin can list.
 */
export function shareKey(url: string, token: string | null | undefined): string {
  const urlPart = hash(`url\u0000${url}`)
  if (!token) return urlPart
  const subject = jwtSubject(token)
  return subject !== null
    ? `${urlPart}.s${hash(`sub\u0000${subject}`)}`
    : `${urlPart}.t${hash(`token\u0000${token}`)}`
}

// 64-bit string hash (two 32-bit lanes, cyrb53-style mixing): names only, not a security boundary.
function hash(text: string): string {
  let h1 = 0xdeadbeef
  let h2 = 0x41c6ce57
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    h1 = Math.imul(h1 ^ c, 2654435761)
    h2 = Math.imul(h2 ^ c, 1597334677)
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909)
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909)
  return (h2 >>> 0).toString(16).padStart(8, '0') + (h1 >>> 0).toString(16).padStart(8, '0')
}
