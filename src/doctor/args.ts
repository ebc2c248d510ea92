// Reads the doctor's command line into its options, with a clear error for anything it cannot run.
import { parseArgs } from 'node:util'
import { doctorDefaults } from './options'
import type { DoctorLang, DoctorOptions } from './options'

/** What the command line asks for. */
export type DoctorCommand = { kind: 'help'; lang: DoctorLang } | { kind: 'run'; options: DoctorOptions }

/** A command line the doctor cannot run; the message says what to change. */
export class DoctorUsageError extends Error {
  override readonly name = 'DoctorUsageError'
}

const langs: readonly DoctorLang[] = ['en', 'zh-CN']

/** Parses `doctor <url> [options]` (the arguments after the program name). */
export function parseDoctorArgs(argv: readonly string[]): DoctorCommand {
  let parsed
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        token: { type: 'string' },
        'token-param': { type: 'string' },
        cookie: { type: 'string' },
        header: { type: 'string', multiple: true },
        method: { type: 'string' },
        body: { type: 'string' },
        origin: { type: 'string' },
        listen: { type: 'string' },
        'heartbeat-timeout': { type: 'string' },
        'proxy-timeout': { type: 'string' },
        'replay-wait': { type: 'string' },
        'last-event-id-param': { type: 'string' },
        trigger: { type: 'string' },
        json: { type: 'boolean' },
        lang: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    })
  } catch (error) {
    throw new DoctorUsageError((error as Error).message)
  }
  const { values, positionals } = parsed
  const lang = parseLang(values.lang)
  const [command, target, ...extra] = positionals
  if (values.help || command === undefined || command === 'help') return { kind: 'help', lang }
  if (command !== 'doctor') throw new DoctorUsageError(`Unknown command "${command}": the only command is "doctor"`)
  if (target === undefined) throw new DoctorUsageError('Give the stream URL: vue-sse-hub doctor http://host/api/sse')
  if (extra.length > 0) throw new DoctorUsageError(`Unexpected argument "${extra[0]}": options start with --`)

  const method = (values.method ?? doctorDefaults.method).toUpperCase()
  if (values.body !== undefined && (method === 'GET' || method === 'HEAD')) {
    throw new DoctorUsageError(`--body needs --method POST: a ${method} request cannot carry a body`)
  }
  const options: DoctorOptions = {
    url: parseUrl(target, 'the stream URL'),
    token: nonEmpty(values.token, '--token'),
    tokenParam: nonEmpty(values['token-param'], '--token-param'),
    cookie: nonEmpty(values.cookie, '--cookie'),
    headers: (values.header ?? []).map(parseHeader),
    method,
    body: values.body,
    origin: values.origin === undefined ? undefined : parseUrl(values.origin, '--origin').origin,
    listenMs: parseDurationOption(values.listen, '--listen', doctorDefaults.listenMs),
    heartbeatTimeoutMs: parseDurationOption(values['heartbeat-timeout'], '--heartbeat-timeout', doctorDefaults.heartbeatTimeoutMs),
    proxyTimeoutMs: parseDurationOption(values['proxy-timeout'], '--proxy-timeout', doctorDefaults.proxyTimeoutMs),
    replayWaitMs: parseDurationOption(values['replay-wait'], '--replay-wait', doctorDefaults.replayWaitMs),
    lastEventIdParam: nonEmpty(values['last-event-id-param'], '--last-event-id-param') ?? doctorDefaults.lastEventIdParam,
    trigger: nonEmpty(values.trigger, '--trigger'),
    lang,
    json: values.json ?? doctorDefaults.json,
  }
  if (options.tokenParam !== undefined && options.token === undefined) {
    throw new DoctorUsageError('--token-param names the query parameter of the token: give --token too')
  }
  return { kind: 'run', options }
}

/** `90s`, `1.5s`, `500ms`, `2m`, or a bare number of seconds, in ms. */
export function parseDuration(text: string): number | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|min)?\s*$/i.exec(text)
  if (!match) return null
  const value = Number(match[1])
  const unit = (match[2] ?? 's').toLowerCase()
  const ms = unit === 'ms' ? value : unit === 's' ? value * 1000 : value * 60_000
  return Math.round(ms)
}

function parseDurationOption(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined) return fallback
  const ms = parseDuration(text)
  if (ms === null || ms <= 0) throw new DoctorUsageError(`${name} takes a duration such as 90s, 1.5s or 500ms, not "${text}"`)
  return ms
}

function parseUrl(text: string, what: string): URL {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new DoctorUsageError(`${what} is not a URL: "${text}" (write it in full, e.g. http://localhost:8080/api/sse)`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new DoctorUsageError(`${what} must be http:// or https://, not ${url.protocol}`)
  }
  return url
}

function parseHeader(text: string): [string, string] {
  const colon = text.indexOf(':')
  const name = colon === -1 ? '' : text.slice(0, colon).trim()
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
    throw new DoctorUsageError(`--header takes "Name: value", not "${text}"`)
  }
  return [name, text.slice(colon + 1).trim()]
}

function parseLang(text: string | undefined): DoctorLang {
  if (text === undefined) return doctorDefaults.lang
  const lang = langs.find((l) => l.toLowerCase() === text.toLowerCase())
  if (!lang) throw new DoctorUsageError(`--lang is en or zh-CN, not "${text}"`)
  return lang
}

function nonEmpty(text: string | undefined, name: string): string | undefined {
  if (text === undefined) return undefined
  if (text.trim() === '') throw new DoctorUsageError(`${name} is empty`)
  return text
}
