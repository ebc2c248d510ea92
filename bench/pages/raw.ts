import { installHarness } from './harness'

// The physical limit of this page: the browser's own EventSource, a handler that only counts.
const expected = Number(new URLSearchParams(location.search).get('n') ?? '0')
const source = new EventSource('/api/sse')
let received = 0
let onLast: () => void = () => {}
source.onmessage = () => {
  if (++received === expected) onLast()
}
installHarness({
  delivered: () => received,
  isOpen: () => source.readyState === EventSource.OPEN,
  onLast(done) {
    onLast = done
  },
})
