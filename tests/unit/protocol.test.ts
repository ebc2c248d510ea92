import { describe, expect, it } from 'vitest'
import { EventType, calcMessageTypes, decodeMessage, isAlarmType, isBuiltInType } from '../../src/core/protocol'
import type { RawSseMessage } from '../../src/core/protocol'
import { SseError } from '../../src/core/errors'

const raw = (data: string, event = 'message', lastEventId = ''): RawSseMessage => ({ event, data, lastEventId })

describe('decodeMessage', () => {
  it('reads the {messageType, messageData} envelope', () => {
    const payload = { calcId: 'c-1', calcName: '稳态计算', progress: 55 }
    expect(decodeMessage(raw(JSON.stringify({ messageType: '5-2', messageData: payload })))).toEqual({
      type: '5-2',
      data: payload,
    })
  })

  it('keeps a messageData that is not an object', () => {
    expect(decodeMessage(raw('{"messageType":"3","messageData":"pulled"}'))).toEqual({ type: '3', data: 'pulled' })
    expect(decodeMessage(raw('{"messageType":"3"}'))).toEqual({ type: '3', data: undefined })
  })

  it('turns a numeric messageType into its string code', () => {
    expect(decodeMessage(raw('{"messageType":4,"messageData":{"level":"error"}}'))).toEqual({
      type: '4',
      data: { level: 'error' },
    })
    expect(decodeMessage(raw('{"messageType":7,"messageData":null}'))).toEqual({ type: '7', data: null })
  })

  it('the envelope messageType wins over a named event', () => {
    expect(decodeMessage(raw('{"messageType":"0-1","messageData":{"status":1}}', 'calc'))).toEqual({
      type: '0-1',
      data: { status: 1 },
    })
  })

  it('uses a named event as the type when the JSON has no messageType, unwrapping messageData', () => {
    expect(decodeMessage(raw('{"messageData":{"pumpId":"P1"}}', 'pump-state'))).toEqual({
      type: 'pump-state',
      data: { pumpId: 'P1' },
    })
  })

  it('uses a named event with the whole JSON when there is no envelope at all', () => {
    expect(decodeMessage(raw('{"pumpId":"P1","running":true}', 'pump-state'))).toEqual({
      type: 'pump-state',
      data: { pumpId: 'P1', running: true },
    })
    expect(decodeMessage(raw('[1,2]', 'list'))).toEqual({ type: 'list', data: [1, 2] })
    expect(decodeMessage(raw('42', 'count'))).toEqual({ type: 'count', data: 42 })
  })

  it('returns (never throws) a decode error for malformed JSON, without quoting the payload', () => {
    const payloads = ['SECRET hunter2', 'SECRET-token=hunter2', '{"messageType":"4", SECRET hunter2', '{"SECRET": hunter2}']
    for (const data of payloads) {
      let result: ReturnType<typeof decodeMessage> = null
      expect(() => {
        result = decodeMessage(raw(data))
      }).not.toThrow()
      expect(result).toBeInstanceOf(SseError)
      const error = result as unknown as SseError
      expect(error.kind).toBe('decode')
      for (const leak of ['SECRET', 'hunter2']) {
        expect(error.message).not.toContain(leak)
        // Whatever an app logs (the error with its cause, or the stored copy) must not carry it either.
        expect(String(error.cause ?? '')).not.toContain(leak)
        expect(JSON.stringify(error.toJSON())).not.toContain(leak)
      }
    }
  })

  it('returns a decode error for empty or non-JSON data', () => {
    for (const data of ['', 'hello', '{', 'undefined']) {
      const result = decodeMessage(raw(data))
      expect(result).toBeInstanceOf(SseError)
      expect((result as SseError).kind).toBe('decode')
    }
  })

  it('returns a decode error when a default "message" event has no messageType', () => {
    for (const data of ['{"messageData":{"a":1}}', '{"messageType":""}', '{"messageType":null}', '[]', '5', 'null']) {
      const result = decodeMessage(raw(data))
      expect(result, data).toBeInstanceOf(SseError)
      expect((result as SseError).kind).toBe('decode')
    }
  })

  it('returns a decode error for malformed JSON even on a named event', () => {
    const result = decodeMessage(raw('not json', 'pump-state'))
    expect(result).toBeInstanceOf(SseError)
    expect((result as SseError).kind).toBe('decode')
  })
})

describe('EventType', () => {
  it('has exactly the 15 seed codes', () => {
    expect({ ...EventType }).toEqual({
      steadyCalcStart: '0-0',
      steadyCalcEnd: '0-1',
      sandBoxSteadyCalcStart: '1-0',
      sandBoxSteadyCalcEnd: '1-1',
      traceCalcStart: '2-0',
      traceCalcEnd: '2-1',
      scada: '3',
      eventAlarm: '4',
      dynCalcStart: '5-0',
      dynCalcEnd: '5-1',
      dynCalcProgress: '5-2',
      sandBoxDynCalcStart: '6-0',
      sandBoxDynCalcEnd: '6-1',
      sandBoxDynCalcProgress: '6-2',
      dataAnomaly: '7',
    })
  })

  it('isBuiltInType knows exactly those codes', () => {
    for (const code of Object.values(EventType)) expect(isBuiltInType(code)).toBe(true)
    for (const code of ['8', '5-3', '', 'message', 'steadyCalcStart']) expect(isBuiltInType(code)).toBe(false)
  })

  it('isAlarmType knows eventAlarm and dataAnomaly only', () => {
    const alarms = Object.values(EventType).filter(isAlarmType)
    expect(alarms.sort()).toEqual(['4', '7'])
    for (const code of ['eventAlarm', '4-0', '', '*']) expect(isAlarmType(code)).toBe(false)
  })

  it('calcMessageTypes covers the 12 calc codes with their kind and phase', () => {
    expect(Object.keys(calcMessageTypes).sort()).toEqual(
      Object.values(EventType)
        .filter((c) => !['3', '4', '7'].includes(c))
        .sort(),
    )
    expect(calcMessageTypes[EventType.traceCalcEnd]).toEqual(['trace', 'end'])
    expect(calcMessageTypes[EventType.sandBoxDynCalcProgress]).toEqual(['sandboxDyn', 'progress'])
  })
})
