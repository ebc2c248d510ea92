import { spawn } from 'node:child_process'
import type { ChildProcess, SpawnOptions } from 'node:child_process'

/** A server started as a child process, with its output kept for error messages. */
export interface Child {
  process: ChildProcess
  /** Everything it printed so far (stdout and stderr). */
  output(): string
  /** Sends `signal` (SIGTERM by default) and waits for the exit; SIGKILL after `graceMs`. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>
}

/** Output that says the child is ready, or a probe polled every 50 ms until it resolves true. */
export type Readiness = RegExp | (() => Promise<boolean>)

/**
 * Spawns `command` and resolves once it is ready; rejects (and kills it) when it exits first or
 * `timeoutMs` passes, with what it printed.
 */
export async function startChild(
  command: string,
  args: readonly string[],
  ready: Readiness,
  options: SpawnOptions & { timeoutMs?: number } = {},
): Promise<Child> {
  const { timeoutMs = 10_000, ...spawnOptions } = options
  const child = spawn(command, args, { ...spawnOptions, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const record = (chunk: Buffer): void => {
    output += chunk.toString()
  }
  child.stdout?.on('data', record)
  child.stderr?.on('data', record)
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const running = (): boolean => child.exitCode === null && child.signalCode === null

  async function stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 2000): Promise<void> {
    if (!running()) return
    child.kill(signal)
    let timer: NodeJS.Timeout | undefined
    await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))])
    clearTimeout(timer)
    if (running()) {
      child.kill('SIGKILL')
      await exited
    }
  }

  let spawnError: Error | undefined
  child.once('error', (error) => (spawnError = error))
  const started = Date.now()
  for (;;) {
    if (spawnError) throw new Error(`${command} could not start: ${spawnError.message}`)
    if (!running()) throw new Error(`${command} exited (${child.signalCode ?? child.exitCode}) before it was ready:\n${output}`)
    if (ready instanceof RegExp ? ready.test(output) : await ready().catch(() => false)) break
    if (Date.now() - started > timeoutMs) {
      await stop('SIGKILL')
      throw new Error(`${command} was not ready within ${timeoutMs} ms:\n${output}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return { process: child, output: () => output, stop }
}
