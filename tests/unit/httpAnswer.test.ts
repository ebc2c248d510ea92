import { describe, expect, it } from 'vitest'
import { jsonDetail, statusReaction } from '../../src/core/httpAnswer'
import { reactionTo } from '../../src/doctor/checks/detail'

describe('statusReaction', () => {
  it('refreshes on 401/403, retries 408, 429 and 5xx, stops on the rest', () => {
    expect([401, 403].map(statusReaction)).toEqual(['unauthorized', 'unauthorized'])
    expect([408, 429, 500, 502, 503, 599].map(statusReaction)).toEqual(Array(6).fill('retry'))
    expect([204, 301, 400, 404, 409, 410, 600, 999].map(statusReaction)).toEqual(Array(8).fill('stop'))
  })

  it("is the doctor's prediction too, for every status but 204 and redirects, which it names", () => {
    for (let status = 100; status < 700; status++) {
      const predicted = reactionTo(status)
      if (status === 204) expect(predicted).toBe('stop-204')
      else if (status >= 300 && status < 400) expect(predicted).toBe('redirect')
      else expect(predicted, String(status)).toBe(statusReaction(status))
    }
  })
})

describe('jsonDetail', () => {
  it('takes detail, message or error, in that order, when it is non-empty text', () => {
    expect(jsonDetail('{"error":"c","message":"b","detail":"a"}')).toBe('a')
    expect(jsonDetail('{"detail":"","message":"b"}')).toBe('b')
    expect(jsonDetail('{"error":"c"}')).toBe('c')
  })

  it('gives nothing for text, arrays, other fields or a reason that is not text', () => {
    for (const text of ['', 'Bad Gateway', '["detail"]', '{"reason":"x"}', '{"detail":42}', 'null']) {
      expect(jsonDetail(text), text).toBeUndefined()
    }
  })
})
