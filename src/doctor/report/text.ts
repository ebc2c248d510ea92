// The readable report: a heading, one aligned line per check with its fix, a summary.
import type { DoctorReport } from '../doctor'
import type { DoctorLocale } from './locale'
import { countStatuses, listenSummary, localizeFindings } from './localized'

/** The readable report: a heading, one line per check (with its fix below), a summary. */
export function renderText(report: DoctorReport, locale: DoctorLocale): string {
  const findings = localizeFindings(report, locale)
  const labelWidth = Math.max(...Object.values(locale.statusLabels).map(displayWidth))
  const titleWidth = Math.max(...findings.map((f) => displayWidth(f.title)))
  const indent = ' '.repeat(labelWidth + 2 + titleWidth + 2)
  const lines = [locale.heading({ url: report.url, ...listenSummary(report) }), '']
  for (const finding of findings) {
    const label = pad(locale.statusLabels[finding.status], labelWidth)
    lines.push(`${label}  ${pad(finding.title, titleWidth)}  ${finding.evidence}`)
    if (finding.fix !== undefined) lines.push(`${indent}${locale.fixLabel}${finding.fix}`)
  }
  lines.push('', locale.summary(countStatuses(report)), '')
  return lines.join('\n')
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)))
}

/** Columns a terminal gives the text: CJK and full-width characters take two. */
function displayWidth(text: string): number {
  let width = 0
  for (const char of text) width += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(char) ? 2 : 1
  return width
}
