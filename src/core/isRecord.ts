// The one check that a value is a JSON object, for everything that reads what a server or a tab sent.
/** A non-null object that is not an array: what a JSON object parses to. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
