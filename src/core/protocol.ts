// The wire protocol: messageType codes, payload types, the typed message map apps augment, and the decoder.
import { SseError } from './errors'
import { isRecord } from './isRecord'

/**
 * The messageType codes of the wire protocol. Kept as an enum, with these exact values, for code
 * written against the original `EventType` pattern; everything else in the library uses the codes.
 */
export enum EventType {
  steadyCalcStart = '0-0',
  steadyCalcEnd = '0-1',
  sandBoxSteadyCalcStart = '1-0',
  sandBoxSteadyCalcEnd = '1-1',
  traceCalcStart = '2-0',
  traceCalcEnd = '2-1',
  scada = '3',
  eventAlarm = '4',
  dynCalcStart = '5-0',
  dynCalcEnd = '5-1',
  dynCalcProgress = '5-2',
  sandBoxDynCalcStart = '6-0',
  sandBoxDynCalcEnd = '6-1',
  sandBoxDynCalcProgress = '6-2',
  dataAnomaly = '7',
}

/** The five calculation kinds a message can be about. */
export type CalcKind = 'steady' | 'sandboxSteady' | 'trace' | 'dyn' | 'sandboxDyn'

/** What a calc message means for its calculation. */
export type CalcPhase = 'start' | 'end' | 'progress'

/** Payload of every calc start, end and progress message. */
export interface CalcPayload {
  /** Identifies the calculation; without it the calc is keyed by its kind. */
  calcId?: string | number
  calcName?: string
  /** End status; success when listed in `calc.successStatuses` (default `[1, 'success']`). */
  status?: number | string
  /** 0–100, on progress messages. */
  progress?: number
  message?: string
  [key: string]: unknown
}

/** Payload of a trace calc end: success iff `isTrace === 1`. */
export interface TraceCalcPayload extends CalcPayload {
  isTrace?: number
}

/** Alarm severity; anything else is shown as `warning`. */
export type AlarmLevel = 'info' | 'warning' | 'error' | 'critical'

/** Payload of eventAlarm (`4`) and dataAnomaly (`7`). Extra fields are kept in the alarm's `data`. */
export interface AlarmPayload {
  alarmId?: string | number
  level?: AlarmLevel | (string & {})
  title?: string
  content?: string
  time?: string | number
  [key: string]: unknown
}

/** Payload of a manual SCADA pull notification (`3`). */
export interface ScadaPayload {
  message?: string
  [key: string]: unknown
}

/**
 * Maps each messageType to its payload type. Apps add their own types by augmentation:
 *
 * ```ts
 * declare module 'vue-sse-hub' {
 *   interface SseMessageMap { 'pump-state': { pumpId: string; running: boolean } }
 * }
 * ```
 */
export interface SseMessageMap {
  '0-0': CalcPayload
  '0-1': CalcPayload
  '1-0': CalcPayload
  '1-1': CalcPayload
  '2-0': TraceCalcPayload
  '2-1': TraceCalcPayload
  '3': ScadaPayload
  '4': AlarmPayload
  '5-0': CalcPayload
  '5-1': CalcPayload
  '5-2': CalcPayload
  '6-0': CalcPayload
  '6-1': CalcPayload
  '6-2': CalcPayload
  '7': AlarmPayload
}

/** A messageType with a known payload type (built in or augmented). */
export type KnownMessageType = Extract<keyof SseMessageMap, string>

/** The payload type of a messageType: its map entry, or `unknown` for anything else. */
export type MessageData<K extends string> = K extends KnownMessageType ? SseMessageMap[K] : unknown

/** One SSE message as the parser hands it over (WHATWG event stream interpretation). */
export interface RawSseMessage {
  /** The `event:` field; `message` when the server sent none. */
  event: string
  /** The `data:` lines joined with `\n`. */
  data: string
  /** The stream's last event id at the time of this message (persists across messages). */
  lastEventId: string
  /**
   * The `id:` field of this very event, when it had one (a replay can be recognised by it). On the
   * eventsource transport, which only tells the id buffer, a change of the buffer within one
   * EventSource instance.
   */
  id?: string
}

/** A decoded message, as routed by messageType. */
export interface SseMessage<K extends string = string> {
  type: K
  data: MessageData<K>
  /**
   * The id to resume from after this message: the last event id delivered to the user's tabs; '' when
   * the server sends no ids.
   */
  id: string
}

/** The result of a decoder: the routed message. */
export interface DecodedMessage {
  type: string
  data: unknown
}

/**
 * Turns a raw SSE message into `{ type, data }`. Return `null` to skip a message on purpose;
 * return (or throw) an error to have it counted as malformed.
 */
export type SseDecoder = (raw: RawSseMessage) => DecodedMessage | null | SseError

/** Codes of the calc messages, with their kind and phase. */
export const calcMessageTypes: Readonly<Record<string, readonly [CalcKind, CalcPhase]>> = {
  '0-0': ['steady', 'start'],
  '0-1': ['steady', 'end'],
  '1-0': ['sandboxSteady', 'start'],
  '1-1': ['sandboxSteady', 'end'],
  '2-0': ['trace', 'start'],
  '2-1': ['trace', 'end'],
  '5-0': ['dyn', 'start'],
  '5-1': ['dyn', 'end'],
  '5-2': ['dyn', 'progress'],
  '6-0': ['sandboxDyn', 'start'],
  '6-1': ['sandboxDyn', 'end'],
  '6-2': ['sandboxDyn', 'progress'],
}

/** True for the codes of {@link EventType}. */
export function isBuiltInType(type: string): boolean {
  return Object.hasOwn(calcMessageTypes, type) || type === '3' || isAlarmType(type)
}

/** True for the codes whose messages are alarms: eventAlarm (`4`) and dataAnomaly (`7`). */
export function isAlarmType(type: string): boolean {
  return type === '4' || type === '7'
}

/**
 * The default decoder: `data` is JSON `{ "messageType": "5-2", "messageData": {...} }`. When the JSON
 * has no messageType, a named `event:` is the type. Never throws.
 */
export const decodeMessage: SseDecoder = (raw) => {
  let parsed: unknown
  try {
    parsed = JSON.parse(raw.data)
  } catch {
    // No `cause`: V8's SyntaxError message quotes the start of the payload.
    return new SseError('decode', `Message data is not valid JSON ${preview(raw.data)}`)
  }
  const envelope = isRecord(parsed) ? parsed : undefined
  const messageType = envelope?.messageType
  if (typeof messageType === 'string' && messageType !== '') {
    return { type: messageType, data: envelope!.messageData }
  }
  if (typeof messageType === 'number') {
    return { type: String(messageType), data: envelope!.messageData }
  }
  if (raw.event !== 'message') {
    return { type: raw.event, data: envelope && 'messageData' in envelope ? envelope.messageData : parsed }
  }
  return new SseError('decode', `Message has no messageType ${preview(raw.data)}`)
}

// Errors describe the data without quoting it: payloads may be sensitive and large.
function preview(text: string): string {
  return `(${text.length} characters)`
}

/** Whether a calc end `status` is one of `successStatuses`, compared as text (status labels are keyed so too). */
export function isSuccessStatus(status: unknown, successStatuses: ReadonlyArray<number | string>): boolean {
  if (typeof status !== 'number' && typeof status !== 'string') return false
  const text = String(status)
  return successStatuses.some((success) => String(success) === text)
}

/** A messageType as people read it: `'5-2 dynCalcProgress'` for a built-in one, the type alone otherwise. */
export function typeLabel(type: string): string {
  const name = (Object.keys(EventType) as Array<keyof typeof EventType>).find((key) => EventType[key] === type)
  return name === undefined ? type : `${type} ${name}`
}
