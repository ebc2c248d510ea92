// How a value the server sent is shown as text in a popup: primitives only, cut short.

const shownTypes = ['string', 'number', 'boolean', 'bigint']

/**
 * Characters of one server value a built-in popup shows. Popups grow with their text and stack below
 * each other: an endless alarm content would fill the screen and push every later popup off it.
 */
const maxTextLength = 200

/**
 * A server value as display text. Only primitives are shown (an empty string is not); they always end
 * up as text children, never as HTML. Longer than `maxTextLength`, they end with `…`.
 */
export function serverText(value: unknown): string | undefined {
  if (value === '' || !shownTypes.includes(typeof value)) return undefined
  const shown = String(value)
  if (shown.length <= maxTextLength) return shown
  // Never half of a character outside the BMP.
  const end = /[\uD800-\uDBFF]/.test(shown[maxTextLength - 1]) ? maxTextLength - 1 : maxTextLength
  return `${shown.slice(0, end)}…`
}
