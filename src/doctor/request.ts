// Builds the doctor's HTTP requests from its options: credentials, method, body, Last-Event-ID.
import type { DoctorOptions } from './options'

/** One HTTP request of the doctor. */
export interface ProbeRequest {
  url: URL
  method: string
  /** Header names as sent; values already joined. */
  headers: Record<string, string>
  body?: string
}

/** How a stream request differs from the app's usual one. */
export interface StreamRequestVariant {
  /**
   * Leave out the token, the cookie and every `--header`.
   * @default false
   */
  anonymous?: boolean
  /**
   * Resume from this id, as the fetch transport does (`header`) or the eventsource transport (`query`).
   * @default undefined
   */
  resume?: { id: string; via: 'header' | 'query' }
}

/**
 * The stream request as the library's fetch transport sends it (`Accept`, `Cache-Control`, the bearer
 * token, `Last-Event-ID`), plus the `Accept-Encoding` every browser adds: without it a server that
 * compresses would not show it.
 */
export function streamRequest(options: DoctorOptions, variant: StreamRequestVariant = {}): ProbeRequest {
  const url = new URL(options.url)
  const headers: Record<string, string> = {
    Accept: 'text/event-stream',
    'Cache-Control': 'no-cache',
    'Accept-Encoding': 'gzip, deflate, br',
    'User-Agent': 'vue-sse-hub-doctor',
  }
  if (options.origin !== undefined) headers.Origin = options.origin
  if (!variant.anonymous) Object.assign(headers, credentialHeaders(options))
  if (!variant.anonymous && options.token !== undefined && options.tokenParam !== undefined) {
    url.searchParams.set(options.tokenParam, options.token)
  }
  if (variant.resume?.via === 'header') headers['Last-Event-ID'] = variant.resume.id
  if (variant.resume?.via === 'query') url.searchParams.set(options.lastEventIdParam, variant.resume.id)
  const body = options.body
  if (body !== undefined && isJson(body) && !hasHeader(headers, 'content-type')) headers['Content-Type'] = 'application/json'
  return { url, method: options.method, headers, body }
}

/** The token (unless it goes in the query), the cookie and every `--header`. */
export function credentialHeaders(options: DoctorOptions): Record<string, string> {
  const headers: Record<string, string> = {}
  if (options.token !== undefined && options.tokenParam === undefined) headers.Authorization = `Bearer ${options.token}`
  if (options.cookie !== undefined) headers.Cookie = options.cookie
  for (const [name, value] of options.headers) headers[name] = value
  return headers
}

/** True when the app's request carries anything that identifies the user. */
export function hasCredentials(options: DoctorOptions): boolean {
  return options.token !== undefined || options.cookie !== undefined || options.headers.length > 0
}

/**
 * The request headers a browser must clear with a CORS preflight before it sends the stream request
 * from another origin: every header outside the CORS-safelisted ones, including `Last-Event-ID` of
 * every reconnect (the fetch transport's way).
 */
export function preflightHeaderNames(options: DoctorOptions): string[] {
  const names = new Set<string>()
  const sent = streamRequest(options, { resume: { id: '1', via: 'header' } }).headers
  for (const name of Object.keys(sent)) {
    const lower = name.toLowerCase()
    if (safelisted.has(lower)) continue
    if (lower === 'content-type' && simpleContentType(sent[name])) continue
    names.add(lower)
  }
  return [...names].sort()
}

/** The preflight a browser sends before a cross-origin stream request with such headers. */
export function preflightRequest(options: DoctorOptions): ProbeRequest {
  const headers: Record<string, string> = {
    Origin: options.origin ?? '',
    'Access-Control-Request-Method': options.method,
    'User-Agent': 'vue-sse-hub-doctor',
  }
  const names = preflightHeaderNames(options)
  if (names.length > 0) headers['Access-Control-Request-Headers'] = names.join(',')
  return { url: streamRequest(options).url, method: 'OPTIONS', headers }
}

// Accept-Encoding, Origin and User-Agent are set by the browser itself, never preflighted.
const safelisted = new Set(['accept', 'accept-language', 'content-language', 'accept-encoding', 'origin', 'user-agent', 'cookie'])

function simpleContentType(value: string | undefined): boolean {
  const type = (value ?? '').split(';')[0].trim().toLowerCase()
  return type === 'text/plain' || type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data'
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name)
}
