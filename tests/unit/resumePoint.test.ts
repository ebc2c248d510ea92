import { describe, expect, it } from 'vitest'
import { createIdWindow } from '../../src/core/idWindow'
import { createResumePoint } from '../../src/core/resumePoint'

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
