import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { createSseParser } from '../../src/core/parser'

const script = fileURLToPath(new URL('../../examples/server/server.mjs', import.meta.url))

/** The docs' example server (examples/server/server.mjs), run as the docs say, on 127.0.0.1 and a free port. */
export interface ExampleServer {
  /** `http://127.0.0.1:<port>` */
  origin: string
  /** POST /api/push as the user of `token`; resolves to the event id. */
  push(token: string, messageType: string, messageData: unknown): Promise<number>
  /**
   * A shell command that does what `push` does, for `vue-sse-hub doctor --trigger`: the doctor POSTs
   * to a trigger URL without a body, and /api/push takes the message as its JSON body.
   */
  pushCommand(token: string, messageType: string, messageData: unknown): string
  /** Ends the process (a restart is a new `startExampleServer()`). */
  stop(): Promise<void>
}

/** Starts it on `port` (a free one by default: pass the previous port to restart it where clients look). */
export async function startExampleServer(port = 0): Promise<ExampleServer> {
  const child: ChildProcess = spawn(process.execPath, [script], {
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const origin = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The example server did not start:\n${output}`)), 10_000)
    const read = (chunk: Buffer): void => {
      output += chunk.toString()
      const found = /http:\/\/127\.0\.0\.1:(\d+)/.exec(output)
      if (found) {
        clearTimeout(timer)
        resolve(`http://127.0.0.1:${found[1]}`)
      }
    }
    child.stdout?.on('data', read)
    child.stderr?.on('data', read)
    child.once('exit', (code) => reject(new Error(`The example server exited (${code}):\n${output}`)))
  })
  return {
    origin,
    async push(token, messageType, messageData) {
      const response = await fetch(`${origin}/api/push`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ messageType, messageData }),
      })
      if (!response.ok) throw new Error(`push answered ${response.status}: ${await response.text()}`)
      return ((await response.json()) as { id: number }).id
    },
    pushCommand(token, messageType, messageData) {
      const request = {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ messageType, messageData }),
      }
      const script =
        `fetch(${JSON.stringify(`${origin}/api/push`)}, ${JSON.stringify(request)})` +
        '.then(async (r) => { if (!r.ok) { console.error(r.status, await r.text()); process.exit(1) } })'
      return `${shellQuote(process.execPath)} -e ${shellQuote(script)}`
    },
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill()
      }),
  }
}

/** `text` as one word of a POSIX shell. */
function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`
}

/** One SSE event as a client reads it. */
export interface ReadEvent {
  id: string
  data: string
}

/** An open stream read with fetch: what arrived so far, and a way to wait for more. */
export interface OpenStream {
  response: Response
  events: ReadEvent[]
  comments: string[]
  /** Resolves once `count` events arrived; rejects after `timeoutMs`. */
  untilEvents(count: number, timeoutMs?: number): Promise<void>
  close(): void
}

/** Opens `path` on `origin` with `headers` and reads it as an SSE stream (when the answer is 200). */
export async function openStream(origin: string, path: string, headers: Record<string, string> = {}): Promise<OpenStream> {
  const abort = new AbortController()
  const response = await fetch(`${origin}${path}`, { headers, signal: abort.signal })
  const events: ReadEvent[] = []
  const comments: string[] = []
  const parser = createSseParser({
    onMessage: (message) => events.push({ id: message.id ?? '', data: message.data }),
    onComment: (comment) => comments.push(comment),
  })
  if (response.ok && response.body) {
    void (async () => {
      try {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) parser.feed(chunk)
      } catch {
        // Aborted by close().
      }
    })()
  }
  return {
    response,
    events,
    comments,
    async untilEvents(count, timeoutMs = 5000) {
      const started = Date.now()
      while (events.length < count) {
        if (Date.now() - started > timeoutMs) throw new Error(`Expected ${count} events, got ${events.length}: ${JSON.stringify(events)}`)
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
    },
    close: () => abort.abort(),
  }
}
