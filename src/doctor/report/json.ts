// The report as JSON, for CI pipelines.
import type { DoctorReport } from '../doctor'
import type { DoctorLocale } from './locale'
import { countStatuses, listenSummary, localizeFindings } from './localized'

/** The report for CI: every check with its verdict, its words, and its raw values (ms, counts, ids). */
export function renderJson(report: DoctorReport, locale: DoctorLocale): string {
  const json = {
    url: report.url,
    ok: report.ok,
    summary: countStatuses(report),
    listen: listenSummary(report),
    checks: localizeFindings(report, locale),
  }
  return `${JSON.stringify(json, null, 2)}\n`
}
