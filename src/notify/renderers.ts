// The built-in popups: the body layout (which custom renderers reuse) and the renderer of each messageType.
import type { NotificationOptions } from 'element-plus'
import type { VNode } from 'vue'
import { h } from 'vue'
import { isRecord } from '../core/isRecord'
import type { NotifyContext, NotifyRenderer } from '../options'
import type { NotifyMessages } from './locale'
import { getNotifyMessages } from './locale'
import { formatTime } from './popupTime'
import { serverText as text } from './serverText'

/** One label/value line of a popup body. */
export type NotifyRow = readonly [label: string, value: string]

/**
 * The built-in popup body, for custom renderers too: one `<p>` per row (`undefined` rows skipped),
 * label and value as text nodes, so server text is never parsed as HTML.
 */
export function notifyBody(rows: ReadonlyArray<NotifyRow | undefined>): VNode {
  return h(
    'div',
    { class: 'sse-notify__body' },
    rows
      .filter((row) => row !== undefined)
      .map(([label, value]) =>
        h('p', { class: 'sse-notify__row' }, [
          h('span', { class: 'sse-notify__label' }, `${label}: `),
          h('span', { class: 'sse-notify__value' }, value),
        ]),
      ),
  )
}

/** The value of each field a built-in popup shows, in display order; `undefined` ones are left out. */
type Fields = Partial<Record<keyof NotifyMessages['fields'], string>>

/** What a built-in popup shows: its Element Plus type, its fields, and whether it stays until closed. */
type Content = [type: 'success' | 'info' | 'warning' | 'error', fields: Fields, sticky?: boolean]

/**
 * A built-in renderer: the locale's title of the messageType, the class `sse-notify--<messageType>`,
 * and the fields `content` reads from the payload (`{}` when the payload is not an object).
 */
function builtIn(
  content: (data: Record<string, unknown>, labels: NotifyMessages, context: NotifyContext) => Content,
): NotifyRenderer {
  return (message, context) => {
    const labels = getNotifyMessages(context.locale)
    const [type, fields, sticky] = content(
      isRecord(message.data) ? message.data : {},
      labels,
      context,
    )
    const options: Partial<NotificationOptions> = {
      title: labels.titles[message.type],
      type,
      customClass: `sse-notify sse-notify--${message.type}`,
      message: notifyBody(
        Object.entries(fields).map(([field, value]) =>
          value === undefined ? undefined : [labels.fields[field as keyof Fields], value],
        ),
      ),
    }
    if (sticky) options.duration = 0
    return options
  }
}

/** The popup of a finished calculation: success or error, its name and status, the reason of a failure. */
function calcOutcome(data: Record<string, unknown>, ok: boolean, status: string, reason: string | undefined): Content {
  return [ok ? 'success' : 'error', { name: text(data.calcName), status, message: ok ? undefined : reason }]
}

/** End of a steady, sandbox steady, dyn or sandbox dyn calculation: success by `calc.successStatuses`. */
const calcEnd = /* @__PURE__ */ builtIn((data, _labels, context) => {
  const status = typeof data.status === 'string' || typeof data.status === 'number' ? data.status : undefined
  return calcOutcome(data, context.isSuccess(status), context.statusLabel(status), text(data.message))
})

/** End of a trace calculation: success iff `isTrace === 1`, whatever `status` says. */
const traceEnd = /* @__PURE__ */ builtIn((data, labels) => {
  const ok = data.isTrace === 1
  return calcOutcome(
    data,
    ok,
    ok ? labels.status.success : labels.status.failure,
    text(data.message) ?? labels.traceError,
  )
})

function alarmFields(data: Record<string, unknown>, labels: NotifyMessages, locale: string): Fields {
  const level = text(data.level)
  return {
    title: text(data.title),
    level: level !== undefined && Object.hasOwn(labels.levels, level) ? labels.levels[level] : level,
    content: text(data.content),
    time: formatTime(data.time, locale),
  }
}

/** Event alarm: warning; info level as info; error and critical as error and sticky. */
const eventAlarm = /* @__PURE__ */ builtIn((data, labels, context) => {
  const level = data.level
  const severe = level === 'error' || level === 'critical'
  // An error or critical alarm stays until the user closes it.
  return [severe ? 'error' : level === 'info' ? 'info' : 'warning', alarmFields(data, labels, context.locale), severe]
})

/** Data anomaly: always a warning. */
const dataAnomaly = /* @__PURE__ */ builtIn((data, labels, context) => ['warning', alarmFields(data, labels, context.locale)])

/** Manual SCADA pull finished: info. */
const scada = /* @__PURE__ */ builtIn((data, labels) => ['info', { message: text(data.message) ?? labels.scadaPulled }])

/** The messageTypes with a built-in popup. */
export type DefaultPopupType = '0-1' | '1-1' | '2-1' | '3' | '4' | '5-1' | '6-1' | '7'

/**
 * The built-in renderer of each messageType that has a popup, typed by its payload (to wrap one:
 * `defaultRenderers['4'](message, context)` in a `NotifyRenderer<'4'>`). Starts and progress
 * messages have none, so a burst of them costs one failed lookup each.
 */
export const defaultRenderers: { readonly [K in DefaultPopupType]: NotifyRenderer<K> } = /* @__PURE__ */ Object.freeze({
  '0-1': calcEnd,
  '1-1': calcEnd,
  '2-1': traceEnd,
  '3': scada,
  '4': eventAlarm,
  '5-1': calcEnd,
  '6-1': calcEnd,
  '7': dataAnomaly,
})
