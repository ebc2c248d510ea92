// What an answer other than 200 means to the connection: its status decides whether to refresh the
// token, retry or stop, and its body may say why. The doctor predicts the client's reaction by it.
import { isRecord } from './isRecord'

/** What the connection does with a status other than 200. */
export type StatusReaction = 'unauthorized' | 'retry' | 'stop'

/** 401/403: refresh the token; 408, 429 and 5xx: back off and retry; anything else (204 included): stop. */
export function statusReaction(status: number): StatusReaction {
  if (status === 401 || status === 403) return 'unauthorized'
  return status === 408 || status === 429 || (status >= 500 && status <= 599) ? 'retry' : 'stop'
}

/** The reason an error body gives as JSON `detail`, `message` or `error` text; undefined for any other body. */
export function jsonDetail(text: string): string | undefined {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return undefined
  }
  if (!isRecord(json)) return undefined
  for (const key of ['detail', 'message', 'error']) {
    const field = json[key]
    if (typeof field === 'string' && field !== '') return field
  }
  return undefined
}
