// The request of one connection attempt, read fresh from the options; a request that no retry could
// fix is refused here, as a `config` error.
import { defaultLastEventIdParam, defaultMethod, defaultTokenParam, read } from './connectionOptions'
import type { ConnectionOptions } from './connectionOptions'
import { SseError } from './errors'
import type { TransportRequest } from './transports/types'

/**
 * Reads the options for one attempt; getters run in this order: `url`, `body`, `resumePoint`,
 * `headers`, `token`. `resumePoint` gives the id to resume from.
 * @throws SseError `config` for an empty url, or a body with a method that takes none
 */
export function buildRequest(
  options: ConnectionOptions,
  viaEventSource: boolean,
  token: () => string | null | undefined,
  resumePoint: () => string,
): TransportRequest {
  const url = read(options.url)
  if (typeof url !== 'string' || url === '') {
    throw new SseError('config', __DEV__ ? 'The `url` option is empty' : 'No url')
  }
  const method = options.method ?? defaultMethod
  const body = read(options.body)
  // fetch would reject every attempt: a retry loop that can never succeed.
  if (body != null && !viaEventSource && /^(GET|HEAD)$/i.test(method)) {
    throw new SseError(
      'config',
      __DEV__
        ? `A request body needs a method that takes one, e.g. method: 'POST' (got ${method})`
        : `A body with ${method}`,
    )
  }
  const lastEventId = resumePoint()
  return {
    url,
    method,
    headers: read(options.headers) ?? {},
    body,
    withCredentials: options.withCredentials === true,
    token: token(),
    lastEventId,
    tokenParam: options.tokenParam ?? defaultTokenParam,
    lastEventIdParam: options.lastEventIdParam ?? defaultLastEventIdParam,
  }
}

/** What a failed set-up threw, as a `config` error; `what` names the step in development builds. */
export function toConfigError(cause: unknown, what: string): SseError {
  if (cause instanceof SseError) return cause
  return new SseError('config', __DEV__ ? `${what}: ${String(cause)}` : String(cause), { cause })
}
