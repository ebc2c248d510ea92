import type { ContenderProbe } from './harness'

/** The browser's own EventSource on `url`, an `onmessage` that only counts; done after `expected` messages. */
export function startEventSource(url: string, expected: number): ContenderProbe {
  const source = new EventSource(url)
  let received = 0
  let onLast: () => void = () => {}
  source.onmessage = () => {
    if (++received === expected) onLast()
  }
  return {
    delivered: () => received,
    isOpen: () => source.readyState === EventSource.OPEN,
    onLast(done) {
      onLast = done
    },
  }
}
