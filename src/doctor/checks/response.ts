// Check: the first answer's status and the headers that decide whether events flow.
import { mainConnection } from '../observations'
import type { Observations } from '../observations'
import { hasCredentials } from '../request'
import { finding } from '../result'
import type { Finding } from '../result'
import { clip, detailOf, mediaType, reactionTo } from './detail'

/** The answer to the first request: status and the headers that decide whether events flow. */
export function checkResponse(observations: Observations): Finding[] {
  const { probe } = mainConnection(observations)
  const response = probe.response
  if (!response) {
    const reason = probe.end?.reason ?? 'no answer'
    return [
      finding('status', 'fail', 'status.noAnswer', { reason }),
      ...headerChecks.map((check) => finding(check, 'skip', 'headers.noAnswer', {})),
    ]
  }
  const { status, headers } = response
  const findings: Finding[] = [statusFinding(observations)]
  if (status !== 200) return [...findings, ...headerChecks.map((check) => finding(check, 'skip', 'headers.notStream', { status }))]

  const type = headers['content-type']
  if (!type) findings.push(finding('content-type', 'fail', 'contentType.missing', {}))
  else if (mediaType(type) !== 'text/event-stream') {
    findings.push(finding('content-type', 'fail', 'contentType.wrong', { value: type, preview: clip(detailOf(response)) }))
  } else {
    const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(type)?.[1]
    if (charset !== undefined && charset.toLowerCase() !== 'utf-8') {
      findings.push(finding('content-type', 'warn', 'contentType.charset', { value: type }))
    } else findings.push(finding('content-type', 'pass', 'contentType.ok', { value: type }))
  }

  const cache = headers['cache-control']
  if (cache === undefined) findings.push(finding('cache-control', 'warn', 'cacheControl.missing', {}))
  else if (/\bno-(cache|store)\b/i.test(cache)) findings.push(finding('cache-control', 'pass', 'cacheControl.ok', { value: cache }))
  else if (/\bpublic\b|\b(s-)?max-age\s*=\s*0*[1-9]/i.test(cache)) {
    findings.push(finding('cache-control', 'fail', 'cacheControl.cacheable', { value: cache }))
  } else findings.push(finding('cache-control', 'warn', 'cacheControl.weak', { value: cache }))

  const encoding = (headers['content-encoding'] ?? '').trim()
  if (encoding === '' || encoding.toLowerCase() === 'identity') {
    findings.push(finding('content-encoding', 'pass', 'contentEncoding.none', {}))
  } else findings.push(finding('content-encoding', 'fail', 'contentEncoding.compressed', { value: encoding }))

  const accel = headers['x-accel-buffering']
  const server = headers.server ?? ''
  if (accel?.trim().toLowerCase() === 'no') findings.push(finding('x-accel-buffering', 'pass', 'accel.ok', {}))
  else if (accel !== undefined) findings.push(finding('x-accel-buffering', 'fail', 'accel.on', { value: accel }))
  else if (/nginx|openresty|tengine/i.test(server)) {
    // nginx reads this header and removes it: behind nginx its absence proves nothing.
    findings.push(finding('x-accel-buffering', 'skip', 'accel.behindNginx', { server }))
  } else findings.push(finding('x-accel-buffering', 'warn', 'accel.missing', {}))
  return findings
}

const headerChecks = ['content-type', 'cache-control', 'content-encoding', 'x-accel-buffering'] as const

function statusFinding(observations: Observations): Finding {
  const { probe } = mainConnection(observations)
  const response = probe.response!
  const { status, statusText } = response
  if (status === 200) return finding('status', 'pass', 'status.ok', { status, statusText })
  const detail = detailOf(response)
  switch (reactionTo(status)) {
    case 'unauthorized':
      return finding('status', 'fail', 'status.unauthorized', { status, detail, credentials: hasCredentials(observations.options) })
    case 'stop-204':
      return finding('status', 'fail', 'status.noContent', {})
    case 'redirect':
      return finding('status', 'fail', 'status.redirect', { status, location: clip(response.headers.location ?? '?') })
    case 'retry':
      return finding('status', 'fail', 'status.retry', { status, detail })
    case 'stop':
      return finding('status', 'fail', 'status.stop', { status, detail })
  }
}
