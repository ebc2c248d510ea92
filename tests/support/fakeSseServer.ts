// An SSE server in memory for hubs in fake tabs: one event history per user with ids unique across
// users, replay from Last-Event-ID, streams that can be broken, and a record of every stream request
// (which tab, which user, which id). Each tab gets its own `fetch`, so a request is known by its tab.

/** One stream request as the server saw it. */
export interface FakeStreamRequest {
  tab: number
  /** The user the request was served as; null when refused (no login). */
  user: string | null
  /** `Last-Event-ID` as sent, null when absent. */
  lastEventId: string | null
  /** Ids sent (to anyone) before the request came: a request without an id gets what follows. */
  sentBefore: number
}

/** One event the server sent. */
export interface FakeServerEvent {
  id: string
  user: string
  type: string
  /** The `data:` line: the JSON envelope. */
  text: string
}

export interface FakeSseServerOptions {
  /** The user of a request, from its headers (a token) or from outside (a cookie jar); null: 401. */
  userOf(headers: Record<string, string>, tab: number): string | null
  /**
   * `'after'`: a resume replays the events after the given id (the standard). `'from'`: from the
   * given event itself (servers that compare with >=).
   * @default 'after'
   */
  replay?: 'after' | 'from'
  /**
   * The id of the n-th event sent (n from 1), e.g. a Redis stream id such as `1700000000000-0`.
   * @default String(n)
   */
  idOf?: (n: number) => string
  /**
   * Events sent in one turn of the event loop reach a stream as one chunk, read at once: a burst as a
   * real server's writes often arrive. Otherwise each event is a chunk of its own.
   * @default false
   */
  coalesce?: boolean
}

export interface FakeSseServer {
  /** `fetch` of one tab. */
  fetchFor(tab: number): typeof fetch
  /** Sends an event to every open stream of `user`; returns its id. */
  send(user: string, type: string, data: unknown): string
  /** Sends an event whose `messageData` is this JSON text as it is (e.g. nested too deep to stringify). */
  sendJson(user: string, type: string, dataJson: string): string
  /** Breaks every open stream (of `user`, or all). */
  drop(user?: string): void
  /** Events sent to `user`, in order. */
  sentTo(user: string): FakeServerEvent[]
  /** Every stream request, in order. */
  readonly requests: FakeStreamRequest[]
  /** Open streams, per user. */
  openStreams(user?: string): number
  /** Whether `id` is an id of an event sent to `user`. */
  isIdOf(user: string, id: string): boolean
}

interface Stream {
  user: string
  push(text: string): void
  fail(): void
  closed: boolean
}

export function createFakeSseServer(options: FakeSseServerOptions): FakeSseServer {
  const encoder = new TextEncoder()
  const history = new Map<string, FakeServerEvent[]>()
  const owner = new Map<string, string>()
  const streams = new Set<Stream>()
  const requests: FakeStreamRequest[] = []
  let seq = 0
  const idOf = options.idOf ?? String

  const frame = (event: FakeServerEvent): string => `id: ${event.id}\ndata: ${event.text}\n\n`

  function replayFor(user: string, lastEventId: string | null): string {
    if (lastEventId === null) return ''
    const events = history.get(user) ?? []
    const at = events.findIndex((event) => event.id === lastEventId)
    // An id this user never had (or one forgotten): nothing to replay from.
    if (at === -1) return ''
    return events.slice(options.replay === 'from' ? at : at + 1).map(frame).join('')
  }

  function fetchFor(tab: number): typeof fetch {
    return (async (_input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
      const headers = { ...(init.headers as Record<string, string>) }
      const lastEventId = headers['Last-Event-ID'] ?? null
      const user = options.userOf(headers, tab)
      requests.push({ tab, user, lastEventId, sentBefore: seq })
      if (user === null) return new Response('{"detail":"not signed in"}', { status: 401 })
      let controller!: ReadableStreamDefaultController<Uint8Array>
      const body = new ReadableStream<Uint8Array>({
        start(c) {
          controller = c
        },
      })
      let unsent = ''
      const enqueue = (text: string): void => {
        if (!stream.closed) controller.enqueue(encoder.encode(text))
      }
      const stream: Stream = {
        user,
        closed: false,
        push(text) {
          if (!options.coalesce) return enqueue(text)
          if (unsent === '')
            queueMicrotask(() => {
              const chunk = unsent
              unsent = ''
              enqueue(chunk)
            })
          unsent += text
        },
        fail() {
          if (stream.closed) return
          stream.closed = true
          streams.delete(stream)
          controller.error(new TypeError('terminated'))
        },
      }
      init.signal?.addEventListener('abort', () => stream.fail())
      if (init.signal?.aborted) stream.fail()
      streams.add(stream)
      stream.push(`retry: 10\n\n${replayFor(user, lastEventId)}`)
      return new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } })
    }) as typeof fetch
  }

  function sendJson(user: string, type: string, dataJson: string): string {
    const event: FakeServerEvent = { id: idOf(++seq), user, type, text: `{"messageType":${JSON.stringify(type)},"messageData":${dataJson}}` }
    let list = history.get(user)
    if (!list) history.set(user, (list = []))
    list.push(event)
    owner.set(event.id, user)
    for (const stream of streams) if (stream.user === user) stream.push(frame(event))
    return event.id
  }

  return {
    fetchFor,
    send(user, type, data) {
      return sendJson(user, type, JSON.stringify(data))
    },
    sendJson,
    drop(user) {
      for (const stream of [...streams]) if (user === undefined || stream.user === user) stream.fail()
    },
    sentTo: (user) => (history.get(user) ?? []).slice(),
    requests,
    openStreams: (user) => [...streams].filter((stream) => user === undefined || stream.user === user).length,
    isIdOf: (user, id) => owner.get(id) === user,
  }
}
