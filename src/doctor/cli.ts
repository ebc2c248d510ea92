// The `vue-sse-hub doctor` command: arguments in, progress on stderr, the report on stdout, an exit code.
import { DoctorUsageError, parseDoctorArgs } from './args'
import { runDoctor } from './doctor'
import type { DoctorProgress } from './progress'
import { renderJson } from './report/json'
import { localeFor } from './report/locale'
import type { DoctorLocale } from './report/locale'
import { renderText } from './report/text'

/** Where the command writes: the report to stdout, progress and errors to stderr. */
export interface CliIo {
  stdout: { write(text: string): unknown }
  stderr: { write(text: string): unknown; isTTY?: boolean }
}

/** Without a terminal (CI logs), one progress line this often while listening. */
const LOG_PROGRESS_EVERY_MS = 10_000

/**
 * `vue-sse-hub doctor <url> [options]`. Resolves to the exit code: 0 when no check fails, 1 when one
 * does, 2 for a command line it cannot run.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let command
  try {
    command = parseDoctorArgs(argv)
  } catch (error) {
    if (!(error instanceof DoctorUsageError)) throw error
    io.stderr.write(`${localeFor('en').usageError(error.message)}\n`)
    return 2
  }
  if (command.kind === 'help') {
    io.stdout.write(localeFor(command.lang).help)
    return 0
  }
  const { options } = command
  const locale = localeFor(options.lang)
  const progress = progressWriter(io, locale)
  let report
  try {
    report = await runDoctor(options, { onProgress: progress.show })
  } finally {
    progress.done()
  }
  io.stdout.write(options.json ? renderJson(report, locale) : renderText(report, locale))
  return report.ok ? 0 : 1
}

/** A progress line on stderr: rewritten in place on a terminal, every few seconds in a log. */
function progressWriter(io: CliIo, locale: DoctorLocale): { show: (progress: DoctorProgress) => void; done: () => void } {
  const tty = io.stderr.isTTY === true
  let lastLogged = -Infinity
  let shown = false
  return {
    show(progress) {
      const line = locale.progress(progress)
      if (tty) {
        io.stderr.write(`\r${line}\x1b[K`)
        shown = true
        return
      }
      if (progress.phase === 'listen' && progress.elapsed - lastLogged < LOG_PROGRESS_EVERY_MS && progress.elapsed < progress.total) return
      if (progress.phase === 'listen') lastLogged = progress.elapsed
      io.stderr.write(`${line}\n`)
    },
    done() {
      if (shown) io.stderr.write('\r\x1b[K')
    },
  }
}
