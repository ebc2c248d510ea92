// The texts of the built-in popups, in zh-CN and English.
/** Languages of the built-in notification texts. */
export type NotifyLocale = 'zh-CN' | 'en'

/** Every text the built-in notifications show, for one language. */
export interface NotifyMessages {
  /** Popup title per messageType (starts and progress included, for custom renderers). */
  titles: Readonly<Record<string, string>>
  /** Labels of the fields shown in a popup body. */
  fields: {
    name: string
    status: string
    message: string
    level: string
    title: string
    content: string
    time: string
  }
  /** Status text when no explicit label matches: by the success rule. */
  status: { success: string; failure: string }
  /** Display label per calc status value; `calc.statusLabels` is merged over it. */
  statusLabels: Readonly<Record<string, string>>
  /** Display label per alarm level. */
  levels: Readonly<Record<string, string>>
  /** Shown on a trace end whose `isTrace` is not 1 and that carries no message of its own. */
  traceError: string
  /** Body of a SCADA popup whose payload has no message. */
  scadaPulled: string
  /** Title of the summary popup of a notification storm. */
  summaryTitle: string
  /** Body of the summary popup: `count` folded popups, all alarms or mixed. */
  summary: (count: number, alarmsOnly: boolean) => string
}

const zhCN: NotifyMessages = {
  titles: {
    '0-1': '稳态计算结束',
    '1-1': '沙箱稳态计算结束',
    '2-1': '溯源计算结束',
    '3': 'SCADA 数据拉取',
    '4': '事件告警',
    '5-1': '瞬态计算结束',
    '6-1': '沙箱瞬态计算结束',
    '7': '数据异常',
  },
  fields: {
    name: '计算名称',
    status: '状态',
    message: '信息',
    level: '级别',
    title: '标题',
    content: '内容',
    time: '时间',
  },
  status: { success: '成功', failure: '失败' },
  statusLabels: { '1': '成功', success: '成功', '0': '失败', fail: '失败', failed: '失败', error: '失败' },
  levels: { info: '提示', warning: '警告', error: '错误', critical: '严重' },
  traceError: '溯源状态码错误',
  scadaPulled: 'SCADA 数据已拉取',
  summaryTitle: '更多通知',
  summary: (count, alarmsOnly) => `+${count} 条${alarmsOnly ? '告警' : '通知'}`,
}

const en: NotifyMessages = {
  titles: {
    '0-1': 'Steady-state calculation finished',
    '1-1': 'Sandbox steady-state calculation finished',
    '2-1': 'Trace calculation finished',
    '3': 'SCADA data pull',
    '4': 'Event alarm',
    '5-1': 'Transient calculation finished',
    '6-1': 'Sandbox transient calculation finished',
    '7': 'Data anomaly',
  },
  fields: {
    name: 'Name',
    status: 'Status',
    message: 'Message',
    level: 'Level',
    title: 'Title',
    content: 'Content',
    time: 'Time',
  },
  status: { success: 'Succeeded', failure: 'Failed' },
  statusLabels: {
    '1': 'Succeeded',
    success: 'Succeeded',
    '0': 'Failed',
    fail: 'Failed',
    failed: 'Failed',
    error: 'Failed',
  },
  levels: { info: 'Info', warning: 'Warning', error: 'Error', critical: 'Critical' },
  traceError: 'Trace status code error',
  scadaPulled: 'SCADA data pulled',
  summaryTitle: 'More notifications',
  summary: (count, alarmsOnly) => `+${count} more ${alarmsOnly ? 'alarm' : 'notification'}${count === 1 ? '' : 's'}`,
}

/**
 * Texts with the titles of the messageTypes that have no built-in popup (starts, progress) added, for
 * custom renderers. Kept out of the texts the built-in popups use, so the popups' chunk of an app
 * that never reads `notifyMessages` does not carry them.
 */
function withAllTitles(messages: NotifyMessages, titles: Readonly<Record<string, string>>): NotifyMessages {
  return { ...messages, titles: { ...messages.titles, ...titles } }
}

/** Every built-in text, by language, with a title for every messageType of the protocol. */
export const notifyMessages: Readonly<Record<NotifyLocale, NotifyMessages>> = {
  'zh-CN': /* @__PURE__ */ withAllTitles(zhCN, {
    '0-0': '稳态计算开始',
    '1-0': '沙箱稳态计算开始',
    '2-0': '溯源计算开始',
    '5-0': '瞬态计算开始',
    '5-2': '瞬态计算进度',
    '6-0': '沙箱瞬态计算开始',
    '6-2': '沙箱瞬态计算进度',
  }),
  en: /* @__PURE__ */ withAllTitles(en, {
    '0-0': 'Steady-state calculation started',
    '1-0': 'Sandbox steady-state calculation started',
    '2-0': 'Trace calculation started',
    '5-0': 'Transient calculation started',
    '5-2': 'Transient calculation progress',
    '6-0': 'Sandbox transient calculation started',
    '6-2': 'Sandbox transient calculation progress',
  }),
}

/** Texts of a language; unknown languages fall back to zh-CN. */
export function getNotifyMessages(locale: NotifyLocale | undefined): NotifyMessages {
  return locale === 'en' ? en : zhCN
}
