// The eventsource transport: the browser's own EventSource, for servers that need it (cookies, no custom headers).
import { SseError } from '../errors'
import type { TransportHandle, TransportHandlers, TransportRequest } from './types'

/**
 * Opens the stream with the platform's EventSource. Its own reconnection is switched off (the
 * instance is closed on the first error) so that backoff, token refresh and resume stay with the
 * connection: each attempt is a new instance whose URL carries the token and the last event id.
 * EventSource only exposes unnamed (`message`) events, never comments or the HTTP status.
 */
export function startEventSourceTransport(
  request: TransportRequest,
  handlers: TransportHandlers,
  EventSourceImpl: typeof EventSource,
): TransportHandle {
  const params: Array<[string, string]> = []
  if (request.token) params.push([request.tokenParam, request.token])
  if (request.lastEventId !== '') params.push([request.lastEventIdParam, request.lastEventId])
  const source = new EventSourceImpl(withParams(request.url, params), { withCredentials: request.withCredentials })
  let opened = false
  let done = false
  // EventSource tells each event's id buffer, not whether the event had an `id:` line. Each instance
  // starts with an empty buffer, so a change of it within the instance is the event's own id: a
  // server's replay of an event already delivered is then known by its id, as on the fetch transport.
  let instanceId = ''

  source.onopen = () => {
    if (done) return
    opened = true
    handlers.onOpen()
  }
  source.onmessage = (event: MessageEvent) => {
    if (done) return
    const lastEventId = event.lastEventId
    const id = lastEventId === instanceId ? undefined : lastEventId
    instanceId = lastEventId
    handlers.onMessage({ event: 'message', data: String(event.data), lastEventId, ...(id !== undefined && { id }) })
  }
  source.onerror = () => {
    if (done) return
    done = true
    source.close()
    handlers.onFailure({
      error: opened
        ? new SseError('stream-ended', 'The EventSource stream ended or broke')
        : new SseError('network', 'The EventSource could not connect (wrong status, content type or network)'),
    })
  }

  return {
    abort(): void {
      if (done) return
      done = true
      source.close()
    },
  }
}

/** Appends query parameters to a URL that may be relative, keeping any fragment last. */
export function withParams(url: string, params: ReadonlyArray<readonly [string, string]>): string {
  if (params.length === 0) return url
  const hashAt = url.indexOf('#')
  const base = hashAt === -1 ? url : url.slice(0, hashAt)
  const query = params.map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`).join('&')
  const separator = base.includes('?') ? (/[?&]$/.test(base) ? '' : '&') : '?'
  return `${base}${separator}${query}${url.slice(base.length)}`
}
