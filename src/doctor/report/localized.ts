// Turns findings into words in the chosen language.
import type { CheckId, CheckStatus } from '../checkIds'
import type { DoctorReport } from '../doctor'
import { eventsOf } from '../checks/timeline'
import { isOpenStream } from '../observations'
import type { MessageKey } from './messages'
import type { DoctorLocale } from './locale'

/** One finding in words. */
export interface LocalizedFinding {
  check: CheckId
  status: CheckStatus
  title: string
  evidence: string
  fix?: string
  message: MessageKey
  values: unknown
}

/** What the first connection delivered while the doctor listened. */
export interface ListenSummary {
  /** The first request opened a stream. */
  opened: boolean
  listened: number
  events: number
  comments: number
  /** Requests after the first (without credentials, resume, fresh, preflight). */
  connections: number
}

export function localizeFindings(report: DoctorReport, locale: DoctorLocale): LocalizedFinding[] {
  return report.findings.map((finding) => {
    const say = locale.messages[finding.message] as (values: unknown) => { evidence: string; fix?: string }
    const text = say(finding.values)
    // A fix is advice for what is wrong; a pass needs none.
    const fix = finding.status === 'pass' ? undefined : text.fix
    return {
      check: finding.check,
      status: finding.status,
      title: locale.titles[finding.check],
      evidence: text.evidence,
      ...(fix !== undefined && { fix }),
      message: finding.message,
      values: finding.values,
    }
  })
}

export function listenSummary(report: DoctorReport): ListenSummary {
  const { observations } = report
  const main = observations.connections[0].probe
  return {
    opened: isOpenStream(main),
    listened: observations.listenedUntil,
    events: eventsOf(main).length,
    comments: main.arrivals.filter((a) => a.kind === 'comment').length,
    connections: observations.connections.length - 1 + (observations.anonymous ? 1 : 0) + (observations.preflight ? 1 : 0),
  }
}

export function countStatuses(report: DoctorReport): Record<CheckStatus, number> {
  const counts: Record<CheckStatus, number> = { pass: 0, warn: 0, fail: 0, skip: 0 }
  for (const finding of report.findings) counts[finding.status]++
  return counts
}
