// Picks the report's language.
import type { DoctorLang } from '../options'
import { enMessages, enUi } from './en'
import type { Messages } from './messages'
import type { DoctorUi } from './ui'
import { zhCNMessages, zhCNUi } from './zhCN'

/** One language of the report: the texts around the findings and the findings' messages. */
export interface DoctorLocale extends DoctorUi {
  messages: Messages
}

const locales: Record<DoctorLang, DoctorLocale> = {
  en: { ...enUi, messages: enMessages },
  'zh-CN': { ...zhCNUi, messages: zhCNMessages },
}

export function localeFor(lang: DoctorLang): DoctorLocale {
  return locales[lang]
}
