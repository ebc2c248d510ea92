/** A scripted `fetch` for unit tests: every call gets the next scripted answer (default: an open stream). */
export interface FakeCall {
  url: string
  init: RequestInit
  headers: Record<string, string>
  /** Pushes bytes or text into this call's stream (when it answered a stream). */
  push(chunk: string | Uint8Array): void
  /** Ends this call's stream cleanly. */
  end(): void
  /** Breaks this call's stream. */
  error(reason?: unknown): void
  readonly aborted: boolean
}

export type FakeAnswer =
  | { kind: 'stream'; contentType?: string }
  | { kind: 'status'; status: number; body?: string; headers?: Record<string, string> }
  | { kind: 'reject'; error?: unknown }

export interface FakeFetch {
  fetch: typeof fetch
  calls: FakeCall[]
  /** Scripts the answers of the next calls, in order. */
  answer(...answers: FakeAnswer[]): void
  readonly last: FakeCall | undefined
}

export function createFakeFetch(): FakeFetch {
  const calls: FakeCall[] = []
  const script: FakeAnswer[] = []
  const encoder = new TextEncoder()

  const fetchImpl = (async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const answer = script.shift() ?? { kind: 'stream' }
    let controller!: ReadableStreamDefaultController<Uint8Array>
    let closed = false
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        controller = c
      },
    })
    const signal = init.signal ?? undefined
    const call: FakeCall = {
      url: String(input),
      init,
      headers: { ...(init.headers as Record<string, string>) },
      push(chunk) {
        if (!closed) controller.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk)
      },
      end() {
        if (!closed) controller.close()
        closed = true
      },
      error(reason = new TypeError('terminated')) {
        if (!closed) controller.error(reason)
        closed = true
      },
      get aborted() {
        return signal?.aborted === true
      },
    }
    signal?.addEventListener('abort', () => call.error(new DOMException('aborted', 'AbortError')))
    calls.push(call)
    if (answer.kind === 'reject') throw answer.error ?? new TypeError('fetch failed')
    if (answer.kind === 'status') {
      call.push(answer.body ?? '')
      call.end()
      return new Response(answer.status === 204 ? null : body, {
        status: answer.status,
        headers: answer.headers,
      })
    }
    return new Response(body, {
      status: 200,
      headers: { 'Content-Type': answer.contentType ?? 'text/event-stream; charset=utf-8' },
    })
  }) as typeof fetch

  return {
    fetch: fetchImpl,
    calls,
    answer(...answers) {
      script.push(...answers)
    },
    get last() {
      return calls.at(-1)
    },
  }
}

/** A minimal EventSource double: records instances, lets tests open, message and fail them. */
export class FakeEventSource {
  static instances: FakeEventSource[] = []
  static readonly CONNECTING = 0
  static readonly OPEN = 1
  static readonly CLOSED = 2
  readonly url: string
  readonly withCredentials: boolean
  readyState = 0
  onopen: ((event: Event) => void) | null = null
  onmessage: ((event: MessageEvent) => void) | null = null
  onerror: ((event: Event) => void) | null = null

  constructor(url: string | URL, init: { withCredentials?: boolean } = {}) {
    this.url = String(url)
    this.withCredentials = init.withCredentials === true
    FakeEventSource.instances.push(this)
  }

  close(): void {
    this.readyState = 2
  }

  simulateOpen(): void {
    this.readyState = 1
    this.onopen?.(new Event('open'))
  }

  simulateMessage(data: string, lastEventId = ''): void {
    this.onmessage?.(new MessageEvent('message', { data, lastEventId }))
  }

  simulateError(): void {
    this.readyState = 0
    this.onerror?.(new Event('error'))
  }
}
