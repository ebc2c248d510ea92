// @ts-check
// Login tokens kept in Redis, so a token issued by one instance opens streams on every instance.
// The login itself is a stand-in (a username, no password): put your own check in its place.
import { randomBytes } from 'node:crypto'

/** @typedef {import('redis').RedisClientType} Redis */
/** @typedef {import('node:http').IncomingMessage} IncomingMessage */

export const TOKEN_TTL_SECONDS = 12 * 3600
export const COOKIE_NAME = 'sse_token'

/** @param {string} token */
const tokenKey = (token) => `sse:token:${token}`

/**
 * A new token for `user`.
 * @param {Redis} redis
 * @param {string} user
 */
export async function login(redis, user) {
  const token = randomBytes(24).toString('base64url')
  await redis.set(tokenKey(token), user, { expiration: { type: 'EX', value: TOKEN_TTL_SECONDS } })
  return token
}

/**
 * @param {Redis} redis
 * @param {string} token
 */
export async function logout(redis, token) {
  await redis.del(tokenKey(token))
}

/**
 * The user a token stands for, or null (unknown, logged out or expired).
 * @param {Redis} redis
 * @param {string | null} token
 * @returns {Promise<string | null>}
 */
export async function userOf(redis, token) {
  return token ? redis.get(tokenKey(token)) : null
}

/**
 * The token of a request, where vue-sse-hub's transports put it: `Authorization: Bearer` (fetch),
 * the `token` query parameter (EventSource), or the login cookie (EventSource with cookies).
 * @param {IncomingMessage} req
 * @param {URL} url
 * @returns {string | null}
 */
export function tokenOf(req, url) {
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')
  if (bearer) return bearer[1]
  const query = url.searchParams.get('token')
  if (query) return query
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=')
    if (name === COOKIE_NAME && value.length > 0) return value.join('=') // base64url: nothing to decode
  }
  return null
}
