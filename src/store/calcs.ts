// Calc records: what a start, a progress or an end does to a run, the bound on how many are kept,
// and the runs a reader asks for (the running ones, the latest of a kind).
import { isSuccessStatus } from '../core/protocol'
import type { CalcKind, CalcPayload, SseMessage } from '../core/protocol'
import type { ApplyContext, CalcRecord, SseState } from './state'
import { asRecord, bound, payloadId } from './values'

/** Whether a calc end message reports success: `isTrace === 1` for trace ends, else a success status. */
export function isCalcSuccess(type: string, data: unknown, successStatuses: ReadonlyArray<number | string>): boolean {
  const payload = asRecord(data)
  if (type === '2-1' /* traceCalcEnd */) return payload.isTrace === 1
  return isSuccessStatus(payload.status, successStatuses)
}

/** Applies one calc message of this kind and phase; false when it changed nothing (a progress after the end). */
export function applyCalc(
  state: SseState,
  message: SseMessage,
  kind: CalcKind,
  phase: 'start' | 'end' | 'progress',
  ctx: ApplyContext,
): boolean {
  const data = asRecord(message.data) as CalcPayload
  const id = payloadId(data.calcId) ?? kind
  const found = state.calcs[id]
  // Read and written through `edit`: in the store, the raw record, without a proxy trap per field.
  let target = found === undefined ? undefined : edit(ctx, found)
  if (phase === 'progress' && target !== undefined && target.status !== 'running') return false
  if (target === undefined || (phase === 'start' && (target.status !== 'running' || target.kind !== kind))) {
    target = edit(ctx, startRun(state, id, kind, data, ctx.now, phase === 'end' ? null : ctx.now))
  }

  if (typeof data.calcName === 'string') target.name = data.calcName
  if (typeof data.message === 'string') target.message = data.message
  target.data = data
  target.updatedAt = ctx.now
  if (phase === 'progress') {
    const progress = toProgress(data.progress)
    if (progress !== null && progress > target.progress) target.progress = progress
  } else if (phase === 'end') {
    endRun(state, target, isCalcSuccess(message.type, data, ctx.successStatuses), ctx.now)
  }
  enforceCalcBound(state, ctx.maxCalcs)
  return true
}

/** The object to write `record`'s changes to: see `ApplyContext.edit`. */
function edit(ctx: ApplyContext, record: CalcRecord): CalcRecord {
  return ctx.edit ? ctx.edit(record) : record
}

/** A new calc, or a new run of one that ended (or of another kind): it becomes the most recent run. */
function startRun(state: SseState, id: string, kind: CalcKind, data: CalcPayload, now: number, startedAt: number | null): CalcRecord {
  const index = state.index
  state.calcs[id] = {
    id,
    kind,
    name: null,
    status: 'running',
    progress: 0,
    startedAt,
    endedAt: null,
    message: null,
    data,
    updatedAt: now,
    seq: ++index.counter,
  }
  index.finished.delete(id)
  index.running.delete(id)
  index.running.add(id)
  // Read back: in the store `calcs` is reactive, and only changes made through its proxy are seen.
  return state.calcs[id]
}

function endRun(state: SseState, record: CalcRecord, success: boolean, now: number): void {
  const { running, finished } = state.index
  record.status = success ? 'succeeded' : 'failed'
  if (success) record.progress = 100
  record.endedAt = now
  // Re-adding moves it to the end: finished runs are dropped in the order they ended.
  running.delete(record.id)
  finished.delete(record.id)
  finished.add(record.id)
}

/** A usable progress value clamped to 0..100, or null when the value is not a number. */
function toProgress(value: unknown): number | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN
  if (Number.isNaN(n)) return null
  return n < 0 ? 0 : n > 100 ? 100 : n
}

/** Drops the calcs beyond the bound. */
export function enforceCalcBound(state: SseState, maxCalcs: number): void {
  const { running, finished } = state.index
  const max = bound(maxCalcs)
  while (running.size + finished.size > max) {
    // The finished run that ended longest ago; only when every kept calc runs, the oldest running one.
    const from = finished.size > 0 ? finished : running
    const id = from.values().next().value as string
    from.delete(id)
    delete state.calcs[id]
  }
}

/**
 * Takes calcs that came from elsewhere (a snapshot, a map set from outside) into the bound's queues:
 * running ones in the order their runs started, finished ones in the order of their end times.
 */
export function adoptCalcs(state: Pick<SseState, 'calcs' | 'index'>): void {
  const index = state.index
  const records = Object.values(state.calcs).sort((a, b) => a.seq - b.seq)
  index.running = new Set(records.filter((r) => r.status === 'running').map((r) => r.id))
  // The sort is stable, so runs that ended at the same time stay in seq order.
  const finished = records
    .filter((r) => r.status !== 'running')
    .sort((a, b) => (a.endedAt ?? a.updatedAt) - (b.endedAt ?? b.updatedAt))
  index.finished = new Set(finished.map((r) => r.id))
  index.counter = Math.max(index.counter, records.at(-1)?.seq ?? 0)
}

/** Running calcs, oldest run first. */
export function runningCalcs(state: Pick<SseState, 'calcs'>): CalcRecord[] {
  return Object.values(state.calcs)
    .filter((record) => record.status === 'running')
    .sort((a, b) => a.seq - b.seq)
}

/** The most recent run of a kind, whatever its id. */
export function latestCalc(state: Pick<SseState, 'calcs'>, kind: CalcKind): CalcRecord | undefined {
  let latest: CalcRecord | undefined
  for (const id in state.calcs) {
    const record = state.calcs[id]
    if (record.kind === kind && (latest === undefined || record.seq > latest.seq)) latest = record
  }
  return latest
}
