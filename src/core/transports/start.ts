// Starts one connection attempt on the transport the options chose, with the platform's fetch or
// EventSource, or the environment's replacement.
import type { ConnectionEnvironment } from '../connectionOptions'
import { SseError } from '../errors'
import { startEventSourceTransport } from './eventSource'
import { startFetchTransport } from './fetch'
import type { TransportHandle, TransportHandlers, TransportRequest } from './types'

/** @throws SseError `config` when the API is missing, or what the transport throws for a request it refuses */
export function startTransport(
  request: TransportRequest,
  handlers: TransportHandlers,
  viaEventSource: boolean,
  environment: ConnectionEnvironment,
): TransportHandle {
  // The environment's keys are the globals' names.
  const api = viaEventSource ? 'EventSource' : 'fetch'
  const impl = environment[api] ?? globalThis[api]
  if (typeof impl !== 'function') throw new SseError('config', `${api} is not available here`)
  return viaEventSource
    ? startEventSourceTransport(request, handlers, impl as typeof EventSource)
    : startFetchTransport(request, handlers, impl as typeof fetch)
}
