// Pulls the trigger that makes the backend send a message: a URL to request or a shell command.
import { exec } from 'node:child_process'
import { credentialHeaders } from './request'
import type { DoctorOptions } from './options'

/** One pull of the trigger. */
export interface TriggerRun {
  /** ms (on the doctor's clock, `performance.now()`) when it started and when it returned. */
  startedAt: number
  endedAt: number
  ok: boolean
  /** `HTTP 500`, `exit code 1: <stderr>`...: why it failed. */
  failure?: string
}

const TRIGGER_TIMEOUT_MS = 10_000

/** True when the trigger is a URL rather than a shell command. */
export function isTriggerUrl(trigger: string): boolean {
  return /^https?:\/\//i.test(trigger)
}

/**
 * Makes the server send a message: POSTs to a trigger URL with the stream's credentials, or runs a
 * trigger command in a shell.
 */
export async function pullTrigger(trigger: string, options: DoctorOptions): Promise<TriggerRun> {
  const startedAt = performance.now()
  const failure = isTriggerUrl(trigger) ? await post(trigger, options) : await run(trigger)
  return { startedAt, endedAt: performance.now(), ok: failure === undefined, ...(failure !== undefined && { failure }) }
}

async function post(url: string, options: DoctorOptions): Promise<string | undefined> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      // The token as a header even when the stream takes it in the query: a control endpoint reads headers.
      headers: { ...credentialHeaders(options), ...(options.token !== undefined && { Authorization: `Bearer ${options.token}` }) },
      signal: AbortSignal.timeout(TRIGGER_TIMEOUT_MS),
    })
    const text = (await response.text()).trim().slice(0, 200)
    return response.ok ? undefined : `HTTP ${response.status}${text ? `: ${text}` : ''}`
  } catch (error) {
    const cause = (error as Error & { cause?: Error }).cause
    return cause ? `${(error as Error).message} (${cause.message})` : (error as Error).message
  }
}

function run(command: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    exec(command, { timeout: TRIGGER_TIMEOUT_MS, windowsHide: true }, (error, _stdout, stderr) => {
      if (!error) return resolve(undefined)
      const detail = String(stderr).trim().split('\n').slice(-3).join(' ').slice(0, 200)
      const how = error.killed ? `killed after ${TRIGGER_TIMEOUT_MS / 1000} s` : `exit code ${String(error.code)}`
      resolve(detail ? `${how}: ${detail}` : how)
    })
  })
}
