// How a time the server sent is shown in a popup: one format, whether it came as a number or a string.
import { serverText } from './serverText'

/** Epoch numbers below this are seconds, from it on milliseconds: 1e11 ms is 1973-03-03, 1e11 s the year 5138. */
const secondsBelow = 1e11

/**
 * The moment a server time stands for, in epoch ms (NaN when it is none):
 * - a number, or a string of digits: epoch seconds below 1e11, else epoch milliseconds;
 * - a string `YYYY-MM-DDTHH:mm`, optionally followed by `:ss`, `.sss`, and `Z` or an offset
 *   (`+08:00`), also with a space for the `T`: that moment; without `Z` or an offset, in the
 *   browser's time zone. With the `T` it is ECMAScript's date-time format, the one string format
 *   every browser's `Date.parse` reads alike; anything it rejects is no time.
 */
export function serverTime(value: unknown): number {
  if (typeof value === 'string') {
    if (/^\d{4}-\d\d-\d\d[T ]\d\d:\d\d/.test(value)) return Date.parse(value.replace(' ', 'T'))
    value = /^\d+$/.test(value) ? Number(value) : NaN
  }
  if (typeof value !== 'number') return NaN
  return value < secondsBelow ? value * 1000 : value
}

// `toLocaleString(locale)` builds a new ICU formatter on every call (tens of ms for the first one, in
// the middle of a burst); one formatter per locale with the same fields gives the same text.
const timeFormats = new Map<string, Intl.DateTimeFormat>()

/**
 * A server time in the popups' one format, in the browser's time zone (zh-CN `2024/6/10 14:30:00`,
 * en `6/10/24, 2:30:00 PM`); a value that is no time by {@link serverTime} is shown as sent.
 */
export function formatTime(value: unknown, locale: string): string | undefined {
  const date = new Date(serverTime(value))
  // No time, or out of the range of dates (a formatter would throw).
  if (Number.isNaN(date.getTime())) return serverText(value)
  return timeFormat(locale).format(date)
}

/**
 * Makes the formatter of `locale` ahead of the first popup that shows a time: the page's first
 * `Intl.DateTimeFormat` initialises ICU, which takes longer than handling a slice of messages.
 */
export function prepareTimeFormat(locale: string): void {
  timeFormat(locale)
}

function timeFormat(locale: string): Intl.DateTimeFormat {
  let format = timeFormats.get(locale)
  if (format === undefined) {
    format = new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'medium' })
    timeFormats.set(locale, format)
  }
  return format
}
