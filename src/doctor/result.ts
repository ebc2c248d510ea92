// One finding of the report: a check, its verdict and the message with the evidence and the fix.
import type { CheckId, CheckStatus } from './checkIds'
import type { MessageKey, MessageValues } from './report/messages'

/** One line of the report: a check, its verdict, and the message that gives the evidence and the fix. */
export interface Finding<K extends MessageKey = MessageKey> {
  check: CheckId
  status: CheckStatus
  message: K
  values: MessageValues<K>
}

/** Builds a finding; the values are typed by the message they fill. */
export function finding<K extends MessageKey>(check: CheckId, status: CheckStatus, message: K, values: MessageValues<K>): Finding {
  return { check, status, message, values } as Finding
}
