import { describe, expect, it } from 'vitest'
import { backoffDelay, parseRetryAfter } from '../../src/core/backoff'
import { defaultReconnect } from '../../src/core/connectionOptions'

const options = { ...defaultReconnect, initialDelay: 1000, maxDelay: 30_000, factor: 2, jitter: 0.5 }

describe('backoffDelay', () => {
  it('grows exponentially up to maxDelay, within [cap * (1 - jitter), cap]', () => {
    const caps = [1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]
    caps.forEach((cap, i) => {
      expect(backoffDelay(i + 1, null, options, () => 0)).toBe(cap)
      expect(backoffDelay(i + 1, null, options, () => 0.999_999)).toBeCloseTo(cap * 0.5, -1)
      for (let n = 0; n < 50; n++) {
        const delay = backoffDelay(i + 1, null, options)
        expect(delay).toBeGreaterThanOrEqual(cap * 0.5)
        expect(delay).toBeLessThanOrEqual(cap)
      }
    })
  })

  it('jitter 0 gives fixed delays and jitter 1 spans from 0', () => {
    expect(backoffDelay(3, null, { ...options, jitter: 0 }, () => 0.7)).toBe(4000)
    expect(backoffDelay(3, null, { ...options, jitter: 1 }, () => 0.75)).toBe(1000)
  })

  it("the server's retry replaces the base", () => {
    expect(backoffDelay(1, 5000, { ...options, jitter: 0 })).toBe(5000)
    expect(backoffDelay(2, 5000, { ...options, jitter: 0 })).toBe(10_000)
    expect(backoffDelay(9, 5000, { ...options, jitter: 0 })).toBe(30_000)
  })
  it('a server retry of 0 (or a few ms) still grows: failures never turn into a tight loop', () => {
    const delays = [1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, 0, { ...options, jitter: 0 }))
    expect(delays).toEqual([100, 200, 400, 800, 1600])
    expect(backoffDelay(1, 1, { ...options, jitter: 0 })).toBe(100)
    expect(backoffDelay(1, 250, { ...options, jitter: 0 })).toBe(250)
  })
})

describe('parseRetryAfter', () => {
  const now = Date.UTC(2030, 0, 1, 12, 0, 0)
  it('reads delta-seconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000)
    expect(parseRetryAfter(' 0 ', now)).toBe(0)
  })
  it('reads an HTTP date', () => {
    expect(parseRetryAfter(new Date(now + 30_000).toUTCString(), now)).toBe(30_000)
    expect(parseRetryAfter(new Date(now - 30_000).toUTCString(), now)).toBe(0)
  })
  it('returns null for missing or unreadable values', () => {
    expect(parseRetryAfter(null, now)).toBeNull()
    expect(parseRetryAfter('', now)).toBeNull()
    expect(parseRetryAfter('soon', now)).toBeNull()
    expect(parseRetryAfter('-5', now)).toBeNull()
  })
})
