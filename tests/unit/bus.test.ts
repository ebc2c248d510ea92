import { beforeEach, describe, expect, it } from 'vitest'
import { createBus } from '../../src/core/bus'
import type { SseBus } from '../../src/core/bus'
import { SseError } from '../../src/core/errors'
import type { SseMessage } from '../../src/core/protocol'

const message = (type: string, data: unknown = {}, id = ''): SseMessage => ({ type, data, id }) as SseMessage

describe('createBus', () => {
  let bus: SseBus
  let errors: SseError[]
  let calls: string[]

  beforeEach(() => {
    errors = []
    calls = []
    bus = createBus({ onError: (e) => errors.push(e) })
  })

  it('delivers the payload and the whole message to handlers of that type only', () => {
    const received: unknown[] = []
    bus.on('5-2', (data, msg) => received.push([data.progress, msg.type, msg.id]))
    bus.on('4', () => calls.push('alarm'))
    bus.emit(message('5-2', { calcId: 'c1', progress: 40 }, '17'))
    expect(received).toEqual([[40, '5-2', '17']])
    expect(calls).toEqual([])
  })

  it('runs several handlers of one type in registration order', () => {
    bus.on('3', () => calls.push('a'))
    bus.on('3', () => calls.push('b'))
    bus.on('3', () => calls.push('c'))
    bus.emit(message('3'))
    expect(calls).toEqual(['a', 'b', 'c'])
  })

  it('on() returns the function that removes the handler', () => {
    const off = bus.on('3', () => calls.push('a'))
    bus.emit(message('3'))
    off()
    bus.emit(message('3'))
    expect(calls).toEqual(['a'])
    expect(bus.listenerCount('3')).toBe(0)
    // Calling it twice is harmless.
    expect(() => off()).not.toThrow()
  })

  it('once() runs for the next message of its type only', () => {
    bus.once('7', (data) => calls.push(`once:${(data as { n: number }).n}`))
    bus.on('7', () => calls.push('on'))
    bus.emit(message('3'))
    bus.emit(message('7', { n: 1 }))
    bus.emit(message('7', { n: 2 }))
    expect(calls).toEqual(['once:1', 'on', 'on'])
  })

  it('once() returns an off that cancels it before it runs', () => {
    const off = bus.once('7', () => calls.push('once'))
    off()
    bus.emit(message('7'))
    expect(calls).toEqual([])
  })

  it('a once handler that re-emits its own type runs only once', () => {
    bus.once('7', () => {
      calls.push('once')
      bus.emit(message('7'))
    })
    bus.emit(message('7'))
    expect(calls).toEqual(['once'])
  })

  it('off() removes by handler and returns whether it was registered', () => {
    const a = (): void => {
      calls.push('a')
    }
    const b = (): void => {
      calls.push('b')
    }
    bus.on('3', a)
    bus.once('3', b)
    expect(bus.off('3', a)).toBe(true)
    expect(bus.off('3', a)).toBe(false)
    expect(bus.off('4', b)).toBe(false)
    expect(bus.off('3', b)).toBe(true)
    bus.emit(message('3'))
    expect(calls).toEqual([])
  })

  it('a handler removed by an earlier handler during dispatch does not run', () => {
    const later = (): void => {
      calls.push('later')
    }
    bus.on('3', () => {
      calls.push('first')
      bus.off('3', later)
    })
    bus.on('3', later)
    bus.emit(message('3'))
    bus.emit(message('3'))
    expect(calls).toEqual(['first', 'first'])
  })

  it('a handler added during dispatch runs from the next message on', () => {
    let added = false
    bus.on('3', () => {
      calls.push('first')
      if (!added) {
        added = true
        bus.on('3', () => calls.push('added'))
        bus.on('*', () => calls.push('added-star'))
      }
    })
    bus.emit(message('3'))
    expect(calls).toEqual(['first'])
    bus.emit(message('3'))
    expect(calls).toEqual(['first', 'first', 'added', 'added-star'])
  })

  it("'*' receives every message after the type's own handlers", () => {
    const seen: string[] = []
    bus.on('*', (data, msg) => seen.push(`*:${msg.type}`))
    bus.on('4', () => seen.push('4'))
    bus.emit(message('4'))
    bus.emit(message('not-a-known-type'))
    expect(seen).toEqual(['4', '*:4', '*:not-a-known-type'])
  })

  it("a message whose type is '*' reaches '*' handlers once", () => {
    bus.on('*', () => calls.push('star'))
    bus.emit(message('*'))
    expect(calls).toEqual(['star'])
  })

  it('clear(type) removes that type only; clear() removes everything', () => {
    bus.on('3', () => calls.push('3'))
    bus.on('4', () => calls.push('4'))
    bus.on('*', () => calls.push('*'))
    bus.clear('3')
    bus.emit(message('3'))
    bus.emit(message('4'))
    expect(calls).toEqual(['*', '4', '*'])
    bus.clear()
    bus.emit(message('4'))
    expect(calls).toEqual(['*', '4', '*'])
    expect(bus.listenerCount()).toBe(0)
  })

  it('clear() during dispatch stops the remaining handlers', () => {
    bus.on('3', () => {
      calls.push('a')
      bus.clear()
    })
    bus.on('3', () => calls.push('b'))
    bus.on('*', () => calls.push('*'))
    bus.emit(message('3'))
    expect(calls).toEqual(['a'])
  })

  it('a throwing handler is reported as a handler error; the others and emit() go on', () => {
    const boom = new Error('boom')
    bus.on('5-1', () => calls.push('before'))
    bus.on('5-1', () => {
      throw boom
    })
    bus.on('5-1', () => calls.push('after'))
    bus.on('*', () => calls.push('*'))
    expect(() => bus.emit(message('5-1'))).not.toThrow()
    expect(calls).toEqual(['before', 'after', '*'])
    expect(errors).toHaveLength(1)
    expect(errors[0]).toBeInstanceOf(SseError)
    expect(errors[0].kind).toBe('handler')
    expect(errors[0].messageType).toBe('5-1')
    expect(errors[0].cause).toBe(boom)
  })

  it("a throwing '*' handler and a non-Error throw are reported too", () => {
    bus.on('*', () => {
      throw 'plain string'
    })
    bus.emit(message('4'))
    expect(errors).toHaveLength(1)
    expect(errors[0].kind).toBe('handler')
    expect(errors[0].messageType).toBe('4')
    expect(errors[0].cause).toBe('plain string')
  })

  it('an onError that throws is swallowed', () => {
    const quiet = createBus({
      onError: () => {
        throw new Error('reporter broke')
      },
    })
    quiet.on('3', () => {
      throw new Error('boom')
    })
    quiet.on('3', () => calls.push('next'))
    expect(() => quiet.emit(message('3'))).not.toThrow()
    expect(calls).toEqual(['next'])
  })

  it('without onError a throwing handler is still isolated', () => {
    const plain = createBus()
    plain.on('3', () => {
      throw new Error('boom')
    })
    plain.on('3', () => calls.push('next'))
    expect(() => plain.emit(message('3'))).not.toThrow()
    expect(calls).toEqual(['next'])
  })

  it('listenerCount counts per type and in total, once handlers until they run', () => {
    expect(bus.listenerCount()).toBe(0)
    bus.on('3', () => {})
    bus.on('3', () => {})
    bus.once('4', () => {})
    bus.on('*', () => {})
    expect(bus.listenerCount('3')).toBe(2)
    expect(bus.listenerCount('4')).toBe(1)
    expect(bus.listenerCount('*')).toBe(1)
    expect(bus.listenerCount('7')).toBe(0)
    expect(bus.listenerCount()).toBe(4)
    bus.emit(message('4'))
    expect(bus.listenerCount('4')).toBe(0)
    expect(bus.listenerCount()).toBe(3)
  })

  it('hears says whether a message of a type would reach a handler, of its type or of every type', () => {
    expect(bus.hears('4')).toBe(false)
    const off = bus.on('4', () => {})
    bus.once('5-2', () => {})
    expect([bus.hears('4'), bus.hears('5-2'), bus.hears('3')]).toEqual([true, true, false])
    bus.emit(message('5-2'))
    off()
    expect([bus.hears('4'), bus.hears('5-2')]).toEqual([false, false])
    bus.on('*', () => {})
    expect([bus.hears('3'), bus.hears('*')]).toEqual([true, true])
    bus.clear()
    expect(bus.hears('3')).toBe(false)
  })
})
