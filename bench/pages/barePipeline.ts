import { createParser } from 'eventsource-parser'
import type { ContenderProbe } from './harness'

/**
 * The floor of a JavaScript client: `fetch`, a stream reader, a streaming TextDecoder,
 * eventsource-parser and `JSON.parse` of each message's data. The results are dropped: no dedupe, no
 * routing, no store. Done after `expected` messages.
 */
export function startBarePipeline(url: string, expected: number): ContenderProbe {
  let open = false
  let received = 0
  let malformed = 0
  let onLast: () => void = () => {}
  const parser = createParser({
    onEvent(event) {
      try {
        JSON.parse(event.data)
      } catch {
        malformed++
      }
      if (++received === expected) onLast()
    },
  })
  void (async () => {
    const response = await fetch(url, { headers: { Accept: 'text/event-stream' } })
    if (!response.ok || !response.body) throw new Error(`bare pipeline: ${response.status}`)
    open = true
    const reader = response.body.getReader()
    const decoder = new TextDecoder()
    for (;;) {
      const { value, done } = await reader.read()
      if (done) break
      parser.feed(decoder.decode(value, { stream: true }))
    }
  })()
  return {
    isOpen: () => open,
    delivered: () => received - malformed,
    onLast(done) {
      onLast = done
    },
  }
}
