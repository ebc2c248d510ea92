import type { NotificationOptions } from 'element-plus'
import type { VNode } from 'vue'
import { h } from 'vue'
import type { NotifyContext, NotifyOptions, NotifyRenderer } from '../options'
import type { NotifyMessages } from './locale'
import { getNotifyMessages } from './locale'

/** One label/value line of a popup body. */
export type NotifyRow = readonly [label: string, value: string]

/**
 * Server values as display text. Only primitives are shown; they always end up as text children,
 * never as HTML.
 */
function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value)
  return undefined
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {}
}

function status(value: unknown): string | number | undefined {
  return typeof value === 'string' || typeof value === 'number' ? value : undefined
}

// `toLocaleString(locale)` builds a new ICU formatter on every call (tens of ms for the first one, in
// the middle of a burst); one formatter per locale with the same fields gives the same text.
const timeFormats = new Map<string, Intl.DateTimeFormat>()

function formatTime(value: unknown, context: NotifyContext): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) {
    const date = new Date(value)
    if (Number.isNaN(date.getTime())) return date.toLocaleString(context.locale)
    let format = timeFormats.get(context.locale)
    if (format === undefined) {
      const numeric = 'numeric'
      format = new Intl.DateTimeFormat(context.locale, {
        year: numeric,
        month: numeric,
        day: numeric,
        hour: numeric,
        minute: numeric,
        second: numeric,
      })
      timeFormats.set(context.locale, format)
    }
    return format.format(date)
  }
  return text(value)
}

/**
 * The built-in popup body, for custom renderers too: one `<p>` per row (`undefined` rows skipped),
 * label and value as text nodes, so server text is never parsed as HTML.
 */
export function notifyBody(rows: ReadonlyArray<NotifyRow | undefined>): VNode {
  const lines: VNode[] = []
  for (const row of rows) {
    if (row === undefined) continue
    lines.push(
      h('p', { class: 'sse-notify__row' }, [
        h('span', { class: 'sse-notify__label' }, `${row[0]}: `),
        h('span', { class: 'sse-notify__value' }, row[1]),
      ]),
    )
  }
  return h('div', { class: 'sse-notify__body' }, lines)
}

function row(label: string, value: string | undefined): NotifyRow | undefined {
  return value === undefined ? undefined : [label, value]
}

function customClass(type: string): string {
  return `sse-notify sse-notify--${type}`
}

/** What the popup of a finished calculation shows. */
interface CalcOutcome {
  ok: boolean
  name: string | undefined
  status: string
  /** Why it failed; shown only when it did. */
  reason: string | undefined
}

/** The popup of a finished calculation: success or error, its name and status, the reason of a failure. */
function endPopup(type: string, labels: NotifyMessages, outcome: CalcOutcome): Partial<NotificationOptions> {
  return {
    title: labels.titles[type],
    type: outcome.ok ? 'success' : 'error',
    customClass: customClass(type),
    message: notifyBody([
      row(labels.fields.name, outcome.name),
      row(labels.fields.status, outcome.status),
      outcome.ok ? undefined : row(labels.fields.message, outcome.reason),
    ]),
  }
}

/** End of a steady, sandbox steady, dyn or sandbox dyn calculation: success by `calc.successStatuses`. */
const calcEnd: NotifyRenderer = (message, context) => {
  const data = record(message.data)
  const value = status(data.status)
  return endPopup(message.type, getNotifyMessages(context.locale), {
    ok: context.isSuccess(value),
    name: text(data.calcName),
    status: context.statusLabel(value),
    reason: text(data.message),
  })
}

/** End of a trace calculation: success iff `isTrace === 1`, whatever `status` says. */
const traceEnd: NotifyRenderer = (message, context) => {
  const data = record(message.data)
  const labels = getNotifyMessages(context.locale)
  const ok = data.isTrace === 1
  return endPopup(message.type, labels, {
    ok,
    name: text(data.calcName),
    status: ok ? labels.status.success : labels.status.failure,
    reason: text(data.message) ?? labels.traceError,
  })
}

function alarmBody(data: Record<string, unknown>, labels: NotifyMessages, context: NotifyContext): VNode {
  const level = text(data.level)
  const levelLabel = level !== undefined && Object.hasOwn(labels.levels, level) ? labels.levels[level] : level
  return notifyBody([
    row(labels.fields.title, text(data.title)),
    row(labels.fields.level, levelLabel),
    row(labels.fields.content, text(data.content)),
    row(labels.fields.time, formatTime(data.time, context)),
  ])
}

/** Event alarm: warning; info level as info; error and critical as error and sticky. */
const eventAlarm: NotifyRenderer = (message, context) => {
  const data = record(message.data)
  const labels = getNotifyMessages(context.locale)
  const level = data.level
  const severe = level === 'error' || level === 'critical'
  const options: Partial<NotificationOptions> = {
    title: labels.titles[message.type],
    type: severe ? 'error' : level === 'info' ? 'info' : 'warning',
    customClass: customClass(message.type),
    message: alarmBody(data, labels, context),
  }
  // An error or critical alarm stays until the user closes it.
  if (severe) options.duration = 0
  return options
}

/** Data anomaly: always a warning. */
const dataAnomaly: NotifyRenderer = (message, context) => {
  const labels = getNotifyMessages(context.locale)
  return {
    title: labels.titles[message.type],
    type: 'warning',
    customClass: customClass(message.type),
    message: alarmBody(record(message.data), labels, context),
  }
}

/** Manual SCADA pull finished: info. */
const scada: NotifyRenderer = (message, context) => {
  const labels = getNotifyMessages(context.locale)
  const data = record(message.data)
  return {
    title: labels.titles[message.type],
    type: 'info',
    customClass: customClass(message.type),
    message: notifyBody([row(labels.fields.message, text(data.message) ?? labels.scadaPulled)]),
  }
}

/**
 * The built-in renderer of each messageType that has a popup. Starts and progress messages have
 * none, so a burst of them costs one failed lookup each.
 */
export const defaultRenderers: Readonly<Record<string, NotifyRenderer>> = Object.freeze({
  '0-1': calcEnd,
  '1-1': calcEnd,
  '2-1': traceEnd,
  '3': scada,
  '4': eventAlarm,
  '5-1': calcEnd,
  '6-1': calcEnd,
  '7': dataAnomaly,
})

/**
 * The renderer used for a messageType: the one from `options.renderers`, `null` when that is
 * `false`, otherwise the built-in one, or `null` when the type has no popup.
 */
export function resolveRenderer(type: string, options?: NotifyOptions): NotifyRenderer | null {
  const custom = options?.renderers
  if (custom !== undefined && Object.hasOwn(custom, type)) {
    const renderer = custom[type]
    return typeof renderer === 'function' ? renderer : null
  }
  return Object.hasOwn(defaultRenderers, type) ? defaultRenderers[type] : null
}
