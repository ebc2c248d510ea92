// protocol
export { EventType, decodeMessage, calcMessageTypes, isBuiltInType } from './protocol'
// core
export { createSseParser } from './core/parser'
export { createBus } from './core/bus'
export { SseError, isSseError } from './core/errors'
// options
export { defaultReconnect, defaultStoreOptions, defaultCalcOptions } from './options'

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
} from './protocol'
export type { SseParser, SseParserOptions } from './core/parser'
export type { SseBus, SseBusOptions, SseHandler, SseListenType } from './core/bus'
export type { SseErrorKind, SseErrorInfo } from './core/errors'
export type {
  Getter,
  ReconnectOptions,
  ConnectionOptions,
  SseHubOptions,
  StoreOptions,
  CalcOptions,
  NotifyOptions,
  NotifyRenderer,
  NotifyContext,
} from './options'
