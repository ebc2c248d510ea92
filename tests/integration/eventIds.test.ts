import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createPinia } from 'pinia'
import { afterEach, describe, expect, it } from 'vitest'
import type { SseError } from '../../src/core/errors'
import { createSseHub } from '../../src/hub'
import type { SseHub } from '../../src/hub'

// Event ids outside ASCII against a real Node server on 127.0.0.1, with Node's own fetch: the
// Last-Event-ID header carries the id as UTF-8 bytes, as the browser's EventSource sends it, and the
// stream resumes from it.

let server: Server | undefined
let hub: SseHub | undefined

afterEach(async () => {
  hub?.dispose()
  hub = undefined
  server?.closeAllConnections()
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
  server = undefined
})

/** The raw bytes of a request header, as they came over the wire (Node keeps them as latin1 text). */
function headerBytes(req: IncomingMessage, name: string): number[] | null {
  const at = req.rawHeaders.findIndex((header, i) => i % 2 === 0 && header.toLowerCase() === name)
  return at === -1 ? null : [...Buffer.from(req.rawHeaders[at + 1], 'latin1')]
}

/**
 * Serves each stream request with the next script entry: bytes to write, then a drop unless it is
 * the last. Records the Last-Event-ID bytes of every request.
 */
async function serve(script: Buffer[]): Promise<{ url: string; received: Array<number[] | null> }> {
  const received: Array<number[] | null> = []
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    received.push(headerBytes(req, 'last-event-id'))
    const part = script[received.length - 1]
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' })
    res.write(Buffer.concat([Buffer.from('retry: 10\n\n'), part ?? Buffer.alloc(0)]))
    if (received.length < script.length) setTimeout(() => res.destroy(), 20)
  })
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}/api/sse`, received }
}

const event = (idBytes: Buffer, n: number): Buffer =>
  Buffer.concat([Buffer.from('id: '), idBytes, Buffer.from(`\ndata: {"messageType":"3","messageData":{"n":${n}}}\n\n`)])

const utf8 = (text: string): number[] => [...Buffer.from(text, 'utf8')]

describe('event ids outside ASCII', () => {
  it('go back to the server as UTF-8 bytes (é as C3 A9, 告警-1001, invalid UTF-8 as U+FFFD), and the stream resumes each time', async () => {
    const { url, received } = await serve([
      event(Buffer.from('é', 'utf8'), 1),
      event(Buffer.from('告警-1001', 'utf8'), 2),
      // Not UTF-8: decoded as U+FFFD, as the browser does.
      event(Buffer.from([0x61, 0xff]), 3),
      event(Buffer.from('4', 'utf8'), 4),
    ])
    const errors: SseError[] = []
    const seen: unknown[] = []
    hub = createSseHub(
      { url, share: false, notify: false, reconnect: { initialDelay: 10, maxDelay: 10, jitter: 0 }, onError: (e) => errors.push(e) },
      { pinia: createPinia() },
    )
    hub.on('3', (data) => {
      seen.push(data)
    })
    hub.connect()
    const deadline = Date.now() + 5000
    while (seen.length < 4 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10))

    expect(seen).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }])
    expect(received).toEqual([null, [0xc3, 0xa9], utf8('告警-1001'), utf8('a\uFFFD')])
    expect(hub.store!.connection.lastEventId).toBe('4')
    expect(errors.every((e) => e.kind === 'network' || e.kind === 'stream-ended')).toBe(true)
  })
})
