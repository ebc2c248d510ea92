import { describe, expect, it } from 'vitest'
import { backoffDelay } from '../../src/core/backoff'
import { defaultReconnect, resolveReconnect } from '../../src/core/connectionOptions'

describe('resolveReconnect', () => {
  it('an option given as undefined (e.g. from an unset environment variable) keeps its default, so retries still wait', () => {
    const resolved = resolveReconnect({
      initialDelay: undefined,
      maxDelay: undefined,
      factor: undefined,
      jitter: undefined,
      maxAttempts: undefined,
    })
    expect(resolved).toEqual(defaultReconnect)
    const delays = [1, 2, 3, 10].map((attempt) => backoffDelay(attempt, null, resolved as Exclude<typeof resolved, false>, () => 0))
    expect(delays).toEqual([1000, 2000, 4000, 30_000])
  })

  it('keeps the values that are given, and false', () => {
    expect(resolveReconnect({ initialDelay: 50, maxAttempts: 3 })).toEqual({ ...defaultReconnect, initialDelay: 50, maxAttempts: 3 })
    expect(resolveReconnect(false)).toBe(false)
    expect(resolveReconnect(true)).toEqual(defaultReconnect)
    expect(resolveReconnect(undefined)).toEqual(defaultReconnect)
  })
})
