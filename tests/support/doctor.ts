import { runCli } from '../../src/doctor/cli'
import type { CheckId, CheckStatus } from '../../src/doctor/checkIds'

/** One line of `--json` output. */
export interface JsonCheck {
  check: CheckId
  status: CheckStatus
  title: string
  evidence: string
  fix?: string
  message: string
  values: Record<string, unknown>
}

export interface JsonReport {
  url: string
  ok: boolean
  summary: Record<CheckStatus, number>
  checks: JsonCheck[]
}

export interface DoctorRun {
  code: number
  stdout: string
  stderr: string
}

/** Runs `vue-sse-hub <args>` in this process, as the bin does, and collects what it writes. */
export async function runDoctorCli(args: string[]): Promise<DoctorRun> {
  let stdout = ''
  let stderr = ''
  const code = await runCli(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  })
  return { code, stdout, stderr }
}

/** Runs the doctor with `--json` and returns its exit code and report. */
export async function runDoctorJson(url: string, args: string[]): Promise<{ code: number; report: JsonReport; run: DoctorRun }> {
  const run = await runDoctorCli(['doctor', url, '--json', ...args])
  return { code: run.code, report: JSON.parse(run.stdout) as JsonReport, run }
}

/** The line of one check. */
export function line(report: JsonReport, check: CheckId): JsonCheck {
  const found = report.checks.find((c) => c.check === check)
  if (!found) throw new Error(`The report has no ${check} line`)
  return found
}

/** The failing lines, as `check: evidence`, for assertion messages. */
export function failures(report: JsonReport): string[] {
  return report.checks.filter((c) => c.status === 'fail').map((c) => `${c.check}: ${c.evidence}`)
}
