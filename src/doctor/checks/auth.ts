// Check: the stream opens with the credentials and answers 401/403 without them.
import { isOpenStream, mainConnection } from '../observations'
import type { Observations } from '../observations'
import { hasCredentials } from '../request'
import { finding } from '../result'
import type { Finding } from '../result'
import { clip, detailOf, reactionTo } from './detail'

/**
 * With the given credentials the stream opens; without them the server answers 401 or 403, the
 * answer that makes the client call `onUnauthorized` (a login page or an open stream does not).
 */
export function checkAuth(observations: Observations): Finding {
  const main = mainConnection(observations).probe
  const mainStatus = main.response?.status
  if (!hasCredentials(observations.options)) {
    if (isOpenStream(main)) return finding('auth', 'warn', 'auth.noCredentialsOpen', {})
    return finding('auth', 'skip', 'auth.noCredentials', {})
  }
  if (mainStatus === 401 || mainStatus === 403) return finding('auth', 'fail', 'auth.refused', { status: mainStatus })
  const anonymous = observations.anonymous
  const response = anonymous?.response
  if (!response) return finding('auth', 'warn', 'auth.noAnswer', { reason: anonymous?.end?.reason ?? 'no answer' })
  const { status } = response
  if (status === 401 || status === 403) return finding('auth', 'pass', 'auth.ok', { status, detail: detailOf(response) })
  if (status === 200 && response.stream) {
    return finding('auth', 'fail', 'auth.openWithout', {})
  }
  if (status === 200) {
    return finding('auth', 'fail', 'auth.loginPage', { type: response.headers['content-type'] ?? '', preview: clip(detailOf(response), 60) })
  }
  const reaction = reactionTo(status)
  if (reaction === 'redirect') {
    return finding('auth', 'fail', 'auth.redirect', { status, location: clip(response.headers.location ?? '?') })
  }
  return finding('auth', 'fail', 'auth.otherStatus', { status, detail: detailOf(response), retries: reaction === 'retry' })
}
