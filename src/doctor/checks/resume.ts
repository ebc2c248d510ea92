// Check: a reconnect with the last id gets nothing at or before it; a fresh connection no old history.
import { connectionOf, isOpenStream, mainConnection } from '../observations'
import type { Connection, Observations } from '../observations'
import { finding } from '../result'
import type { Finding } from '../result'
import { compareNumericIds, eventsOf, isNumericId } from './timeline'

/**
 * A reconnect that names the last id gets nothing at or before it (and, from a server that replays,
 * what came after it); a new connection without an id gets no old history.
 */
export function checkResume(observations: Observations): Finding[] {
  const main = mainConnection(observations)
  if (!isOpenStream(main.probe)) {
    return (['resume-header', 'resume-query', 'fresh'] as const).map((check) => finding(check, 'skip', 'events.noStream', {}))
  }
  return [
    resumeFinding(observations, 'resume-header'),
    resumeFinding(observations, 'resume-query'),
    freshFinding(observations),
  ]
}

function resumeFinding(observations: Observations, check: 'resume-header' | 'resume-query'): Finding {
  const connection = connectionOf(observations, check)
  const trigger = observations.options.trigger !== undefined
  if (!connection || connection.fromId === undefined) {
    const anyEvents = eventsOf(mainConnection(observations).probe).length > 0
    return finding(check, 'skip', anyEvents ? 'resume.noIds' : 'resume.noEvents', { trigger })
  }
  const fromId = connection.fromId
  const name = check === 'resume-header' ? 'Last-Event-ID' : observations.options.lastEventIdParam
  const via = check === 'resume-header' ? 'header' : 'query'
  const notOpened = openFailure(connection)
  if (notOpened) return finding(check, 'fail', 'resume.notOpened', { name, via, fromId, answer: notOpened })

  const history = historyBefore(observations, connection)
  const ids = [...history.keys()]
  const numeric = isNumericId(fromId) && ids.every(isNumericId)
  const fromIndex = ids.indexOf(fromId)
  const upToFrom = new Set(ids.slice(0, fromIndex + 1))
  const events = eventsOf(connection.probe).filter((e) => e.id !== undefined && e.id !== '')
  const old = events.filter((e) => (numeric && isNumericId(e.id!) ? compareNumericIds(e.id!, fromId) <= 0 : upToFrom.has(e.id!)))
  if (old.some((e) => e.id === fromId)) return finding(check, 'fail', 'resume.includesGiven', { name, via, fromId })
  if (old.length > 0) {
    return finding(check, 'fail', 'resume.replaysOld', { name, via, fromId, count: old.length, first: old[0].id! })
  }
  const delivered = new Set(events.map((e) => e.id!))
  const expected = ids.slice(fromIndex + 1)
  const fresh = events.filter((e) => !history.has(e.id!))
  const missing = expected.filter((id) => !delivered.has(id)).length + (connection.trigger?.ok && fresh.length === 0 ? 1 : 0)
  const replayed = events.length
  if (missing > 0) return finding(check, 'warn', 'resume.noReplay', { name, via, fromId, missing, replayed })
  return finding(check, 'pass', 'resume.ok', { name, via, fromId, replayed })
}

function freshFinding(observations: Observations): Finding {
  const connection = connectionOf(observations, 'fresh')
  if (!connection) return finding('fresh', 'skip', 'events.noStream', {})
  const notOpened = openFailure(connection)
  if (notOpened) return finding('fresh', 'fail', 'fresh.notOpened', { answer: notOpened })
  const history = historyBefore(observations, connection)
  if (history.size === 0) return finding('fresh', 'skip', 'fresh.nothingSeen', { trigger: observations.options.trigger !== undefined })
  const replayed = eventsOf(connection.probe).filter((e) => e.id !== undefined && history.get(e.id) === e.data)
  if (replayed.length > 0) {
    return finding('fresh', 'fail', 'fresh.history', { count: replayed.length, first: replayed[0].id!, last: replayed[replayed.length - 1].id! })
  }
  return finding('fresh', 'pass', 'fresh.ok', { waited: observations.options.replayWaitMs, known: history.size })
}

/** Every event with an id that the connections before this one received: id to data, in order. */
function historyBefore(observations: Observations, connection: Connection): Map<string, string> {
  const history = new Map<string, string>()
  for (const earlier of observations.connections) {
    if (earlier === connection) break
    for (const event of eventsOf(earlier.probe)) {
      if (event.id !== undefined && event.id !== '' && !history.has(event.id)) history.set(event.id, event.data)
    }
  }
  return history
}

/** How a later connection failed to open, e.g. `409 This user already has an open stream`. */
function openFailure(connection: Connection): string | undefined {
  const { probe } = connection
  if (isOpenStream(probe)) return undefined
  const response = probe.response
  if (!response) return probe.end?.reason ?? 'no answer'
  return `${response.status}${response.headers['content-type'] ? ` ${response.headers['content-type']}` : ''}`
}
