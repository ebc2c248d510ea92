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
export { EventType, decodeMessage, calcMessageTypes, isBuiltInType } from './core/protocol'
// core (framework-free)
export { createConnection } from './core/connection'
export { createSseParser } from './core/parser'
export { createBus } from './core/bus'
export { backoffDelay } from './core/backoff'
export { SseError, isSseError } from './core/errors'
// notifications
export { createNotifier } from './notify/notifier'
export { defaultRenderers, notifyBody } from './notify/renderers'
export { notifyMessages } from './notify/locale'
// options
export { defaultReconnect } from './core/connectionOptions'
export { defaultStoreOptions, defaultCalcOptions } from './options'

export type { SseHub, SseHubContext } from './hub'
export type { SseRole } from './core/role'
export type { UseSseReturn } from './composables/useSse'
export type { UseCalcReturn } from './composables/useCalc'
export type { UseAlarmsReturn } from './composables/useAlarms'
export type { SseStore } from './store/useSseStore'
export type { SseStoreConfig } from './store/feed'
export type {
  AlarmKind,
  AlarmRecord,
  CalcRecord,
  CalcStatus,
  ConnectionSnapshot,
  ScadaState,
  SseSnapshot,
  SseStats,
} from './store/state'
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
export type {
  SseStatus,
  ConnectionState,
  ConnectionCallbacks,
  SseConnection,
  CreateConnectionOptions,
} from './core/connection'
export type { SseParser, SseParserOptions } from './core/parser'
export type { SseBus, SseBusOptions, SseHandler, SseListenType } from './core/bus'
export type { SseErrorKind, SseErrorInfo } from './core/errors'
export type { Notifier, NotifyFunction } from './notify/notifier'
export type { NotifyRow } from './notify/renderers'
export type { NotifyLocale, NotifyMessages } from './notify/locale'
export type { Getter, ReconnectOptions, ConnectionOptions, ConnectionEnvironment } from './core/connectionOptions'
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
