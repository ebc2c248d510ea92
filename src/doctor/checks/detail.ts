// What the client does with an answer that does not open the stream, and the answer's own detail.
import type { ProbeResponse } from '../probe'

/** What the client does with an answer that does not open the stream (docs/backend.md, the status table). */
export type ClientReaction = 'retry' | 'stop' | 'stop-204' | 'unauthorized' | 'redirect'

export function reactionTo(status: number): ClientReaction {
  if (status === 401 || status === 403) return 'unauthorized'
  if (status === 204) return 'stop-204'
  if (status >= 300 && status < 400) return 'redirect'
  if (status === 408 || status === 429 || status >= 500) return 'retry'
  return 'stop'
}

/** A short detail of an error answer: JSON `detail`/`message`/`error`, else the start of the text. */
export function detailOf(response: ProbeResponse): string {
  const text = (response.preview ?? '').trim()
  try {
    const json: unknown = JSON.parse(text)
    if (json !== null && typeof json === 'object') {
      for (const key of ['detail', 'message', 'error']) {
        const field = (json as Record<string, unknown>)[key]
        if (typeof field === 'string' && field !== '') return clip(field)
      }
    }
  } catch {
    // Not JSON: the text itself.
  }
  return clip(text.replace(/\s+/g, ' '))
}

export function clip(text: string, max = 80): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}

/** The media type of a Content-Type value, lower case, without parameters. */
export function mediaType(value: string | undefined): string {
  return (value ?? '').split(';')[0].trim().toLowerCase()
}
