// What the client does with an answer that does not open the stream, and the answer's own detail.
import { jsonDetail, statusReaction } from '../../core/httpAnswer'
import type { StatusReaction } from '../../core/httpAnswer'
import type { ProbeResponse } from '../probe'

/** What the client does with an answer that does not open the stream (docs/backend.md, the status table). */
export type ClientReaction = StatusReaction | 'stop-204' | 'redirect'

export function reactionTo(status: number): ClientReaction {
  if (status === 204) return 'stop-204'
  if (status >= 300 && status < 400) return 'redirect'
  return statusReaction(status)
}

/** A short detail of an error answer: JSON `detail`/`message`/`error`, else the start of the text. */
export function detailOf(response: ProbeResponse): string {
  const text = (response.preview ?? '').trim()
  return clip(jsonDetail(text) ?? text.replace(/\s+/g, ' '))
}

export function clip(text: string, max = 80): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}

/** The media type of a Content-Type value, lower case, without parameters. */
export function mediaType(value: string | undefined): string {
  return (value ?? '').split(';')[0].trim().toLowerCase()
}
