/** Writes durations in a language's units: under a second in ms, else in seconds with one decimal. */
export function durationFormat(units: { ms: string; s: string }): (ms: number) => string {
  return (ms) => {
    const whole = Math.round(ms)
    return whole < 1000 ? `${whole}${units.ms}` : `${(whole / 1000).toFixed(1)}${units.s}`
  }
}
