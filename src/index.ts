// The public API: what an app calls or types against, grouped by the file it comes from. Everything
// else under src/ is internal and may change between versions.

// plugin and hub
export { ssePlugin } from './plugin'
export { createSseHub } from './hub'
export { sseHubKey } from './keys'
// composables and store
export { useSse } from './composables/useSse'
export { useSseListener } from './composables/useSseListener'
export { useCalc } from './composables/useCalc'
export { useAlarms } from './composables/useAlarms'
export { useSseHub, setActiveHub, getActiveHub } from './composables/useSseHub'
export { useSseStore } from './store/useSseStore'
// protocol
export { EventType, decodeMessage } from './core/protocol'
// core, usable without Vue
export { createConnection } from './core/connection'
export { createSseParser } from './core/parser'
export { SseError, isSseError } from './core/errors'
// popups
export { defaultRenderers, notifyBody } from './notify/renderers'
export { notifyMessages } from './notify/locale'

export type { SseHub, SseHubContext } from './hub'
export type { SseRole } from './core/role'
export type { UseSseReturn } from './composables/useSse'
export type { UseCalcReturn } from './composables/useCalc'
export type { UseAlarmsReturn } from './composables/useAlarms'
export type { SseStore } from './store/useSseStore'
export type { AlarmKind, AlarmRecord, CalcRecord, CalcStatus, ConnectionSnapshot, ScadaState, SseStats } from './store/state'
export type {
  CalcKind,
  CalcPhase,
  CalcPayload,
  TraceCalcPayload,
  AlarmLevel,
  AlarmPayload,
  ScadaPayload,
  SseMessageMap,
  KnownMessageType,
  MessageData,
  RawSseMessage,
  SseMessage,
  DecodedMessage,
  SseDecoder,
} from './core/protocol'
export type { SseStatus, ConnectionState, ConnectionCallbacks, SseConnection, CreateConnectionOptions } from './core/connection'
export type { Getter, ReconnectOptions, ConnectionOptions, ConnectionEnvironment } from './core/connectionOptions'
export type { SseParser, SseParserOptions } from './core/parser'
export type { SseHandler, SseListenType } from './core/bus'
export type { SseErrorKind, SseErrorInfo } from './core/errors'
export type { NotifyRow } from './notify/renderers'
export type { NotifyLocale, NotifyMessages } from './notify/locale'
export type {
  SseHubOptions,
  SseHubEnvironment,
  StoreOptions,
  CalcOptions,
  NotifyOptions,
  NotifyRenderer,
  NotifyContext,
} from './options'

import './globalExtensions'
