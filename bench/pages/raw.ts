import { startEventSource } from './eventSourceProbe'
import { installHarness } from './harness'

// The physical limit of this page: the browser's own EventSource, a handler that only counts, and
// nothing else on the page (no Vue).
installHarness(startEventSource('/api/sse', Number(new URLSearchParams(location.search).get('n') ?? '0')))
