// The shape every language of the report follows: one message per finding key.
import type { enMessages } from './en'

/** What a finding says: the evidence, and for anything short of a pass, what to change. */
export interface Text {
  evidence: string
  fix?: string
}

/** The values a message function takes; `{}` for a message without any. */
type ValuesOf<F> = F extends () => unknown ? Record<string, never> : F extends (values: infer V) => unknown ? V : never

type English = typeof enMessages

/** Every finding's message, by key; English is the reference every language follows. */
export type Messages = { [K in keyof English]: (values: ValuesOf<English[K]>) => Text }

export type MessageKey = keyof Messages

/** The values a message is filled with (kept raw in the JSON report: ms, counts, ids). */
export type MessageValues<K extends MessageKey> = ValuesOf<English[K]>
