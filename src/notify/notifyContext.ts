// What every renderer gets besides its message: the language and the calc status rules.
import type { CalcOptions, NotifyContext } from '../options'
import { isSuccessStatus } from '../core/protocol'
import { defaultCalcOptions } from '../options'
import type { NotifyLocale } from './locale'
import { getNotifyMessages } from './locale'

/** The labels and success rule renderers see, for one language (zh-CN unless `'en'`) and calc configuration. */
export function createNotifyContext(locale?: NotifyLocale, calc?: CalcOptions): NotifyContext {
  const messages = getNotifyMessages(locale)
  const successStatuses = calc?.successStatuses ?? defaultCalcOptions.successStatuses
  const labels: Record<string, string> = { ...messages.statusLabels, ...calc?.statusLabels }
  const isSuccess = (status: number | string | undefined): boolean => isSuccessStatus(status, successStatuses)
  return {
    locale: locale === 'en' ? 'en' : 'zh-CN',
    isSuccess,
    statusLabel: (status) => {
      const key = String(status)
      if (status !== undefined && Object.hasOwn(labels, key)) return labels[key]
      return isSuccess(status) ? messages.status.success : messages.status.failure
    },
  }
}
