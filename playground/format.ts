/** Formats a timestamp (ms, ISO string or anything Date accepts) as local `YYYY-MM-DD HH:mm:ss`. */
export function formatTime(value: number | string | Date | undefined | null): string {
  if (value === undefined || value === null || value === '') return '—'
  const date = value instanceof Date ? value : new Date(value)
  if (Number.isNaN(date.getTime())) return String(value)
  const pad = (n: number): string => String(n).padStart(2, '0')
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
  )
}

/** Formats a timestamp as local `HH:mm:ss`, for places where the day is obvious. */
export function formatClock(value: number | string | Date | undefined | null): string {
  const full = formatTime(value)
  return /^\d{4}-\d{2}-\d{2} /.test(full) ? full.slice(11) : full
}
