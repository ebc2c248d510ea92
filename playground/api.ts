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
