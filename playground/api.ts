import { auth } from './auth'

/** Calc kinds the backend can start, in display order. */
export const calcKinds = ['steady', 'sandboxSteady', 'trace', 'dyn', 'sandboxDyn'] as const
export type PlaygroundCalcKind = (typeof calcKinds)[number]

/** What the fault panel can ask the backend to do to the stream. */
export type FaultKind = 'drop' | 'stall' | 'restart' | 'malformed' | 'unknown'

/** POSTs JSON to the mock backend with the user's token; throws on a non-2xx answer. */
export async function post(path: string, body: Record<string, unknown> = {}): Promise<unknown> {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${auth.token}` },
    body: JSON.stringify(body),
  })
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`)
  const text = await response.text()
  return text ? (JSON.parse(text) as unknown) : null
}

export const startCalc = (kind: PlaygroundCalcKind): Promise<unknown> => post('/api/calc', { kind })
export const pullScada = (): Promise<unknown> => post('/api/scada')
export const sendAlarm = (body: { count?: number; level?: string; xss?: boolean } = {}): Promise<unknown> =>
  post('/api/alarm', body)
export const sendAnomaly = (): Promise<unknown> => post('/api/anomaly')
export const injectFault = (kind: FaultKind): Promise<unknown> => post('/api/fault', { kind })

/** Answers the fault panel can make the backend give to the next stream requests. */
export type ServerAnswer = 'http500' | 'http401' | 'http204' | 'content-type'

const serverAnswers: Record<ServerAnswer, Record<string, unknown>> = {
  // Twice, so the backoff shows: the third attempt opens.
  http500: { kind: 'status', status: 500, count: 2 },
  http401: { kind: 'status', status: 401 },
  http204: { kind: 'status', status: 204 },
  'content-type': { kind: 'content-type', count: 2 },
}

/**
 * Makes the backend answer the next stream requests with `answer`, then drops the live streams so the
 * client meets that answer at once (a fault on the next request alone would wait for a reconnect).
 */
export async function injectAnswer(answer: ServerAnswer): Promise<void> {
  await post('/api/fault', serverAnswers[answer])
  await injectFault('drop')
}
