import { describe, expect, it } from 'vitest'
import { createIdWindow } from '../../src/core/idWindow'
import { createResumePoint } from '../../src/core/resumePoint'
import { mulberry32 } from '../support/random'

describe('createIdWindow', () => {
  it('says whether an id was seen, recording it', () => {
    const ids = createIdWindow(3)
    expect(ids.seen('a')).toBe(false)
    expect(ids.seen('a')).toBe(true)
    expect(ids.seen('b')).toBe(false)
    expect(ids.seen('a')).toBe(true)
    expect(ids.seen('b')).toBe(true)
    expect(ids.has('b')).toBe(true)
    expect(ids.has('c')).toBe(false)
    expect(ids.seen('c')).toBe(false)
  })

  it('forgets the oldest ids beyond its limit', () => {
    const ids = createIdWindow(3)
    for (const id of ['1', '2', '3', '4']) expect(ids.seen(id)).toBe(false)
    expect(ids.seen('2')).toBe(true)
    expect(ids.seen('3')).toBe(true)
    expect(ids.seen('4')).toBe(true)
    expect(ids.seen('1')).toBe(false) // forgotten, now recorded again, pushing out '2'
    expect(ids.seen('2')).toBe(false)
  })

  it('stays bounded over a long session', () => {
    const ids = createIdWindow(100)
    for (let i = 0; i < 100_000; i++) ids.seen(String(i))
    expect(ids.seen('99999')).toBe(true)
    expect(ids.seen('99900')).toBe(true)
    expect(ids.seen('0')).toBe(false)
    expect(ids.seen('99899')).toBe(false)
  })

  it('never treats the empty id as seen', () => {
    const ids = createIdWindow()
    expect(ids.seen('')).toBe(false)
    expect(ids.seen('')).toBe(false)
  })

  it('tells a counter id from its other spellings, and a repeat of it after the counter moved on', () => {
    const ids = createIdWindow(12)
    for (const id of ['8', '9', '10']) expect(ids.seen(id)).toBe(false)
    // Not the same text: never the same id, whatever number they spell.
    for (const id of ['010', '+11', '1e2', '11.0', ' 12', '0x20']) expect(ids.seen(id)).toBe(false)
    expect(ids.seen('10')).toBe(true)
    expect(ids.has('9')).toBe(true)
    expect(ids.seen('11')).toBe(false)
    expect(ids.seen('010')).toBe(true)
    // Beyond 15 digits an id is only text: still told apart, still remembered.
    expect(ids.seen('1234567890123456')).toBe(false)
    expect(ids.seen('1234567890123456')).toBe(true)
  })

  it('remembers what came while ids grew, once ids stop growing, and after they grow again', () => {
    const ids = createIdWindow(4)
    for (let i = 1; i <= 10; i++) ids.seen(String(i))
    // A replay from further back: the last 4 are known, earlier ones are forgotten.
    expect(['6', '7', '8', '9', '10'].map((id) => ids.has(id))).toEqual([false, true, true, true, true])
    expect(ids.seen('8')).toBe(true)
    expect(ids.seen('a')).toBe(false)
    // Long enough growing again to forget the lookups; the window still holds the last 4.
    for (let i = 11; i <= 20; i++) expect(ids.seen(String(i))).toBe(false)
    expect(['16', '17', '18', '19', '20', 'a'].map((id) => ids.has(id))).toEqual([false, true, true, true, true, false])
  })

  it('answers as a plain window of the last ids would, whatever mix of ids comes', () => {
    const random = mulberry32(11)
    for (const limit of [1, 3, 16]) {
      const ids = createIdWindow(limit)
      const kept: string[] = []
      let counter = 0
      for (let step = 0; step < 20_000; step++) {
        const r = random()
        const id =
          r < 0.6 ? String(++counter)
          : r < 0.8 ? String(Math.max(0, counter - Math.floor(random() * 2 * limit)))
          : r < 0.9 ? `0${Math.floor(random() * 20)}`
          : `id-${Math.floor(random() * 40)}`
        if (random() < 0.2) {
          expect(ids.has(id)).toBe(kept.includes(id))
          continue
        }
        const known = kept.includes(id)
        expect(ids.seen(id)).toBe(known)
        if (!known) {
          kept.push(id)
          if (kept.length > limit) kept.shift()
        }
      }
    }
  })

  it('rejects a limit that is not a positive integer', () => {
    expect(() => createIdWindow(0)).toThrow(TypeError)
    expect(() => createIdWindow(1.5)).toThrow(TypeError)
    expect(() => createIdWindow(Number.NaN)).toThrow(TypeError)
  })
})


describe('createResumePoint', () => {
  it('admits each event id once and resumes from the last one delivered', () => {
    const resume = createResumePoint()
    expect(resume.id).toBe('')
    expect(resume.admit('1', '1')).toBe(true)
    expect(resume.admit('2', '2')).toBe(true)
    expect(resume.admit('1', '1')).toBe(false)
    expect(resume.admit('2', '2')).toBe(false)
    expect(resume.id).toBe('2')
  })

  it('never drops an event without an id of its own: it carries the last id', () => {
    const resume = createResumePoint()
    resume.admit('7', '7')
    expect(resume.admit(undefined, '7')).toBe(true)
    expect(resume.admit(undefined, '7')).toBe(true)
    expect(resume.id).toBe('7')
  })

  // A server that resumes from further back replays what was delivered; the stream's id buffer then
  // holds an older id, which must not become the resume point.
  it('never moves back to an id delivered earlier, whatever the stream says', () => {
    const resume = createResumePoint()
    for (const id of ['1', '2', '3']) resume.admit(id, id)
    expect(resume.admit('1', '1')).toBe(false)
    expect(resume.admit(undefined, '1')).toBe(true)
    expect(resume.id).toBe('3')
    resume.handOver('2')
    expect(resume.id).toBe('3')
  })

  it('follows the stream past a block with an id and no data, and a handed-over resume point it did not deliver', () => {
    const resume = createResumePoint()
    resume.admit('1', '1')
    expect(resume.admit(undefined, '5')).toBe(true)
    expect(resume.id).toBe('5')
    resume.handOver('9')
    expect(resume.id).toBe('9')
    // The handed-over id counts as delivered: a replay of it is dropped.
    expect(resume.admit('9', '9')).toBe(false)
  })

  it("an empty `id:` from the server clears the resume point, as the spec says", () => {
    const resume = createResumePoint()
    resume.admit('4', '4')
    expect(resume.admit('', '')).toBe(true)
    expect(resume.id).toBe('')
    expect(resume.admit('4', '4')).toBe(false)
  })

  it('a new login starts from nothing: the next user may reuse ids', () => {
    const resume = createResumePoint()
    resume.admit('1', '1')
    resume.reset()
    expect(resume.id).toBe('')
    expect(resume.admit('1', '1')).toBe(true)
  })

  it('forgets the oldest ids beyond its window', () => {
    const resume = createResumePoint(2)
    for (const id of ['1', '2', '3']) resume.admit(id, id)
    expect(resume.admit('1', '1')).toBe(true)
    expect(resume.admit('3', '3')).toBe(false)
  })
})
