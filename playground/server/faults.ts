/** Faults the mock backend can inject, by `kind` (also accepted as JSON by `POST /api/fault`). */
export type FaultSpec =
  /** Live streams get half an event, then their sockets are destroyed. */
  | { kind: 'drop' }
  /** Live streams stop receiving anything (pings included) until the client drops them. */
  | { kind: 'stall' }
  /** The next `count` stream requests answer `status` (with an optional detail and Retry-After). */
  | { kind: 'status'; status: number; count?: number; detail?: string; retryAfter?: string | number }
  /** The next `count` stream requests answer 200 with `text/html`. */
  | { kind: 'content-type'; count?: number }
  /** Live streams get bytes that are not SSE, including invalid UTF-8. */
  | { kind: 'garbage' }
  /** The next `count` messages are written one byte per write. */
  | { kind: 'byte-by-byte'; count?: number }
  /** One message of `size` bytes (default 5 MB). */
  | { kind: 'big'; size?: number; user?: string }
  /** One valid SSE event whose data is not JSON. */
  | { kind: 'malformed'; user?: string }
  /** One message with a messageType nobody knows. */
  | { kind: 'unknown'; user?: string }
  /** Every stream is closed and stream requests are refused for `downMs` (default 500). */
  | { kind: 'restart'; downMs?: number }

export type FaultKind = FaultSpec['kind']

const kinds: ReadonlySet<string> = new Set<FaultKind>([
  'drop',
  'stall',
  'status',
  'content-type',
  'garbage',
  'byte-by-byte',
  'big',
  'malformed',
  'unknown',
  'restart',
])

/** Validates a fault received as JSON; returns an error text when it is not one. */
export function parseFault(body: Record<string, unknown>): FaultSpec | string {
  const kind = body.kind
  if (typeof kind !== 'string' || !kinds.has(kind)) return `unknown fault kind: ${String(kind)}`
  if (kind === 'status' && (typeof body.status !== 'number' || body.status < 100 || body.status > 599)) {
    return 'fault "status" needs a numeric `status` between 100 and 599'
  }
  return body as unknown as FaultSpec
}

/** Bytes that are not SSE: lines without a field, invalid and truncated UTF-8; ends on a blank line. */
export function garbageBytes(): Buffer {
  return Buffer.concat([
    Buffer.from([0xff, 0xfe, 0xfd]),
    Buffer.from('this is not SSE {[<'),
    Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x82]),
    Buffer.from('\n'),
    Buffer.from([0x80, 0x81, 0xf0, 0x9f]),
    Buffer.from('\r\n\n'),
  ])
}
