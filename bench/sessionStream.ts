// A months-long session in fast-forward: every calc run has its own id (1 start, 6 progress, 1 end),
// one long calc keeps reporting, and every 10th message is an alarm with its own id. Without bounds
// the store would keep 125,000 calcs and 100,000 alarms after a million messages.

/** The SSE event of message `i` (0-based) of the session; its id is `i + 1`. */
export function sessionMessage(i: number): string {
  const id = i + 1
  const slot = i % 10
  const run = Math.floor(i / 10)
  let payload: { messageType: string; messageData: Record<string, unknown> }
  if (slot === 0) payload = { messageType: '5-0', messageData: { calcId: `calc-${run}`, calcName: `瞬态计算 ${run}` } }
  else if (slot <= 6) payload = { messageType: '5-2', messageData: { calcId: `calc-${run}`, progress: slot * 14 } }
  else if (slot === 7) payload = { messageType: '5-1', messageData: { calcId: `calc-${run}`, status: run % 5 ? 1 : 2, message: 'done' } }
  else if (slot === 8) payload = { messageType: '6-2', messageData: { calcId: 'calc-long', progress: run % 100 } }
  else {
    payload = {
      messageType: run % 3 ? '4' : '7',
      messageData: { alarmId: `alarm-${run}`, level: 'warning', title: '泵站压力过高', content: `站点 ${run % 300} 读数异常`, time: id },
    }
  }
  return `id: ${id}\ndata: ${JSON.stringify(payload)}\n\n`
}

/** `1000000` as `1M`, `300000` as `300k`, for row names. */
export function shortCount(n: number): string {
  return n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}k`
}
