// Runs the doctor: opens the connections the checks need, then judges what they saw, check by check.
import { checkAuth } from './checks/auth'
import { checkBuffering } from './checks/buffering'
import { checkCors } from './checks/cors'
import { checkCut } from './checks/cut'
import { checkDelivery } from './checks/delivery'
import { checkEvents } from './checks/events'
import { checkHeartbeat } from './checks/heartbeat'
import { checkResponse } from './checks/response'
import { checkResume } from './checks/resume'
import { eventIds } from './checks/timeline'
import { isOpenStream } from './observations'
import type { Connection, Observations } from './observations'
import type { DoctorProgress } from './progress'
import type { DoctorOptions } from './options'
import { openProbe } from './probe'
import type { StreamProbe } from './probe'
import { hasCredentials, preflightRequest, streamRequest } from './request'
import type { StreamRequestVariant } from './request'
import { checkIds } from './checkIds'
import type { Finding } from './result'
import { pullTrigger } from './trigger'
import type { TriggerRun } from './trigger'

export interface DoctorHooks {
  /** Called about once a second while listening, and once per later connection. */
  onProgress?: (progress: DoctorProgress) => void
}

/** The doctor's verdict: one finding per check, in report order. */
export interface DoctorReport {
  url: string
  findings: Finding[]
  observations: Observations
  /** True when no check failed. */
  ok: boolean
}

/** Time the server gets to answer a later request (everything but the first, which gets the whole window). */
const ANSWER_TIMEOUT_MS = 10_000
/** Wait after the stream opens before pulling the trigger, so the server has registered the stream. */
const TRIGGER_DELAY_MS = 500
/** How long after the trigger returns its message may still come, past the listen window. */
const TRIGGER_GRACE_MS = 2_000
/** Time for an error answer's body (its detail). */
const PREVIEW_WAIT_MS = 1_000

/**
 * Checks a live stream against docs/backend.md: listens to one connection for the whole window, then
 * opens the others one at a time (many servers replace or refuse a second stream of the same user):
 * without credentials, resuming with `Last-Event-ID`, resuming with the query parameter, and fresh.
 */
export async function runDoctor(options: DoctorOptions, hooks: DoctorHooks = {}): Promise<DoctorReport> {
  const { main, trigger, listenedUntil } = await listen(options, hooks)
  const connections: Connection[] = [{ role: 'main', probe: main, ...(trigger && { trigger }) }]
  const observations: Observations = { options, connections, listenedUntil }

  if (options.origin !== undefined) {
    hooks.onProgress?.({ phase: 'connect', role: 'preflight' })
    observations.preflight = await oneShot(openProbe(preflightRequest(options), { answerTimeoutMs: ANSWER_TIMEOUT_MS }))
  }
  if (hasCredentials(options)) {
    hooks.onProgress?.({ phase: 'connect', role: 'anonymous' })
    observations.anonymous = await oneShot(openStream(options, { anonymous: true }))
  }
  if (isOpenStream(main)) {
    const mainIds = eventIds(main)
    // Without a trigger, resume from the id before the last, so that the server has one event to replay.
    const quietFrom = mainIds.length >= 2 ? mainIds[mainIds.length - 2] : mainIds[mainIds.length - 1]
    for (const via of ['header', 'query'] as const) {
      const fromId = options.trigger !== undefined ? connections.flatMap((c) => eventIds(c.probe)).pop() : quietFrom
      if (fromId === undefined) break
      const role = via === 'header' ? 'resume-header' : 'resume-query'
      hooks.onProgress?.({ phase: 'connect', role })
      // A message sent while no stream is open: the resume must replay it.
      const pulled = options.trigger !== undefined ? await pullTrigger(options.trigger, options) : undefined
      const probe = await replayWindow(openStream(options, { resume: { id: fromId, via } }), options)
      connections.push({ role, probe, fromId, ...(pulled && { trigger: pulled }) })
    }
    hooks.onProgress?.({ phase: 'connect', role: 'fresh' })
    connections.push({ role: 'fresh', probe: await replayWindow(openStream(options), options) })
  }

  const findings = [
    ...checkResponse(observations),
    ...checkCors(observations),
    checkAuth(observations),
    ...checkEvents(observations),
    checkHeartbeat(observations),
    checkBuffering(observations),
    checkCut(observations),
    checkDelivery(observations),
    ...checkResume(observations),
  ].sort((a, b) => checkIds.indexOf(a.check) - checkIds.indexOf(b.check))
  return { url: options.url.href, findings, observations, ok: findings.every((f) => f.status !== 'fail') }
}

/** The first connection, listened to for `listenMs`, with the trigger pulled once it is open. */
async function listen(
  options: DoctorOptions,
  hooks: DoctorHooks,
): Promise<{ main: StreamProbe; trigger?: TriggerRun; listenedUntil: number }> {
  let lastByte = 0
  let longestSilence = 0
  const main = openProbe(streamRequest(options), {
    // A buffering proxy may hold back even the status line: the whole window is the limit.
    answerTimeoutMs: options.listenMs,
    onChunk: () => {
      const now = main.elapsed()
      lastByte = Math.max(lastByte, main.response?.at ?? 0)
      longestSilence = Math.max(longestSilence, now - lastByte)
      lastByte = now
    },
  })
  const report = (): void => {
    const now = main.elapsed()
    const events = main.arrivals.filter((a) => a.kind === 'event').length
    const comments = main.arrivals.filter((a) => a.kind === 'comment').length
    const silence = Math.max(longestSilence, now - Math.max(lastByte, main.response?.at ?? 0))
    hooks.onProgress?.({ phase: 'listen', elapsed: now, total: options.listenMs, events, comments, longestSilence: silence })
  }
  const ticker = setInterval(report, 1000)
  try {
    let triggered: Promise<TriggerRun> | undefined
    if (options.trigger !== undefined) {
      await main.answered(1000)
      await main.settle(TRIGGER_DELAY_MS)
      if (!main.end) triggered = pullTrigger(options.trigger, options)
    }
    await main.settle(options.listenMs - main.elapsed())
    const trigger = await triggered
    if (trigger && !main.end) {
      // The message the trigger asked for may come after the window: give it a moment more.
      const deadline = trigger.endedAt - main.startedAt + TRIGGER_GRACE_MS
      while (!main.end && main.elapsed() < deadline && !main.arrivals.some((a) => a.kind === 'event' && a.at >= trigger.startedAt - main.startedAt)) {
        await main.settle(Math.min(100, deadline - main.elapsed()))
      }
    }
    report()
    const listenedUntil = main.end?.at ?? main.elapsed()
    return { main, ...(trigger && { trigger }), listenedUntil }
  } finally {
    clearInterval(ticker)
    main.close()
  }
}

function openStream(options: DoctorOptions, variant: StreamRequestVariant = {}): StreamProbe {
  return openProbe(streamRequest(options, variant), { answerTimeoutMs: ANSWER_TIMEOUT_MS })
}

/** A request whose answer alone matters: its status, headers and the start of its body. */
async function oneShot(probe: StreamProbe): Promise<StreamProbe> {
  await probe.answered(ANSWER_TIMEOUT_MS)
  if (probe.response && !probe.response.stream) await probe.settle(PREVIEW_WAIT_MS)
  probe.close()
  return probe
}

/** A later connection, open for `replayWaitMs`: what a server replays comes first. */
async function replayWindow(probe: StreamProbe, options: DoctorOptions): Promise<StreamProbe> {
  await probe.answered(ANSWER_TIMEOUT_MS)
  if (probe.response) await probe.settle(probe.response.stream ? options.replayWaitMs : PREVIEW_WAIT_MS)
  probe.close()
  return probe
}
