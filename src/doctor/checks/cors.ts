// Check: the CORS headers a browser on the app's origin needs, for the stream and its preflight.
import { mainConnection } from '../observations'
import type { Observations } from '../observations'
import type { ProbeResponse } from '../probe'
import { preflightHeaderNames } from '../request'
import { finding } from '../result'
import type { Finding } from '../result'

const simpleMethods = new Set(['GET', 'HEAD', 'POST'])

/** With `--origin`: the stream's own CORS headers, and the preflight a browser sends before it. */
export function checkCors(observations: Observations): Finding[] {
  const { options } = observations
  const origin = options.origin
  if (origin === undefined) {
    return [finding('cors', 'skip', 'cors.noOrigin', {}), finding('cors-preflight', 'skip', 'cors.noOrigin', {})]
  }
  if (origin === options.url.origin) {
    return [finding('cors', 'pass', 'cors.sameOrigin', { origin }), finding('cors-preflight', 'pass', 'cors.sameOrigin', { origin })]
  }
  const withCookies = options.cookie !== undefined
  const response = mainConnection(observations).probe.response
  const stream = response
    ? allowOriginFinding('cors', response, origin, withCookies) ?? finding('cors', 'pass', 'cors.ok', { origin, allowed: response.headers['access-control-allow-origin'] })
    : finding('cors', 'skip', 'headers.noAnswer', {})
  return [stream, preflightFinding(observations, origin, withCookies)]
}

function preflightFinding(observations: Observations, origin: string, withCookies: boolean): Finding {
  const { options } = observations
  const names = preflightHeaderNames(options)
  if (names.length === 0 && simpleMethods.has(options.method)) return finding('cors-preflight', 'pass', 'preflight.notNeeded', {})
  const response = observations.preflight?.response
  if (!response) {
    return finding('cors-preflight', 'fail', 'preflight.noAnswer', { reason: observations.preflight?.end?.reason ?? 'no answer' })
  }
  if (response.status < 200 || response.status > 299) return finding('cors-preflight', 'fail', 'preflight.status', { status: response.status })
  const origins = allowOriginFinding('cors-preflight', response, origin, withCookies)
  if (origins) return origins
  const allowed = list(response.headers['access-control-allow-headers'])
  // `*` allows any header but Authorization, and only on requests without cookies.
  const wildcard = allowed.includes('*') && !withCookies
  const missing = names.filter((name) => !allowed.includes(name) && !(wildcard && name !== 'authorization'))
  if (missing.length > 0) return finding('cors-preflight', 'fail', 'preflight.headers', { missing: missing.join(', '), requested: names.join(', ') })
  const methods = list(response.headers['access-control-allow-methods']).map((m) => m.toUpperCase())
  if (!simpleMethods.has(options.method) && !methods.includes(options.method) && !(methods.includes('*') && !withCookies)) {
    return finding('cors-preflight', 'fail', 'preflight.method', { method: options.method })
  }
  return finding('cors-preflight', 'pass', 'preflight.ok', { requested: names.join(', ') })
}

/** The Allow-Origin (and Allow-Credentials) problem of an answer, if any. */
function allowOriginFinding(check: 'cors' | 'cors-preflight', response: ProbeResponse, origin: string, withCookies: boolean): Finding | undefined {
  const allowed = response.headers['access-control-allow-origin']?.trim()
  if (allowed === undefined) return finding(check, 'fail', 'cors.noAllowOrigin', { origin })
  if (allowed === '*' && withCookies) return finding(check, 'fail', 'cors.wildcardWithCookies', { origin })
  if (allowed !== '*' && allowed !== origin) return finding(check, 'fail', 'cors.otherOrigin', { origin, allowed })
  if (withCookies && response.headers['access-control-allow-credentials']?.trim() !== 'true') {
    return finding(check, 'fail', 'cors.noCredentials', { origin })
  }
  return undefined
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim().toLowerCase())
    .filter(Boolean)
}
