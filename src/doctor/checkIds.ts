/** The verdict of one check: `fail` makes the doctor exit with 1. */
export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip'

/** Every line of the report, in report order. */
export const checkIds = [
  'status',
  'content-type',
  'cache-control',
  'content-encoding',
  'x-accel-buffering',
  'cors',
  'cors-preflight',
  'auth',
  'ids',
  'id-order',
  'event-data',
  'retry',
  'heartbeat',
  'buffering',
  'cut',
  'delivery',
  'resume-header',
  'resume-query',
  'fresh',
] as const

export type CheckId = (typeof checkIds)[number]
