// The shape of the text around the findings, in one language.
import type { CheckId, CheckStatus } from '../checkIds'
import type { DoctorProgress } from '../progress'

/** Everything around the findings, in one language. */
export interface DoctorUi {
  titles: Record<CheckId, string>
  statusLabels: Record<CheckStatus, string>
  fixLabel: string
  heading(values: { url: string; opened: boolean; listened: number; events: number; comments: number; connections: number }): string
  summary(counts: Record<CheckStatus, number>): string
  progress(progress: DoctorProgress): string
  usageError(message: string): string
  help: string
}
