import { defaultHeartbeatTimeout, defaultLastEventIdParam } from '../core/connectionOptions'

/** Languages of the readable report. */
export type DoctorLang = 'en' | 'zh-CN'

/** What the doctor checks and how it reaches the stream. */
export interface DoctorOptions {
  /** The stream endpoint, as the app's `url` option. */
  url: URL
  /**
   * Sent as `Authorization: Bearer <token>`, or as the `tokenParam` query parameter when that is set.
   * @default undefined
   */
  token?: string
  /**
   * Query parameter that carries the token instead of the header (the eventsource transport's way).
   * @default undefined
   */
  tokenParam?: string
  /**
   * `Cookie` header of the stream request (a cookie session).
   * @default undefined
   */
  cookie?: string
  /**
   * Extra request headers, as `[name, value]` pairs.
   * @default []
   */
  headers: Array<[string, string]>
  /** @default 'GET' */
  method: string
  /**
   * Request body (with `method: 'POST'`); sent as JSON when it parses as JSON.
   * @default undefined
   */
  body?: string
  /**
   * Origin of the page that opens the stream: CORS is checked for it.
   * @default undefined
   */
  origin?: string
  /**
   * How long the first connection is listened to, in ms. Longer than nginx's default 60 s read
   * timeout, so that a proxy cutting a silent stream shows.
   * @default 75000
   */
  listenMs: number
  /**
   * The client's `heartbeatTimeout`, in ms: the longest silence it accepts.
   * @default 45000
   */
  heartbeatTimeoutMs: number
  /**
   * A proxy read timeout to compare silences with, in ms (nginx's `proxy_read_timeout`).
   * @default 60000
   */
  proxyTimeoutMs: number
  /**
   * How long each later connection (resume, fresh) waits for what the server replays, in ms.
   * @default 2000
   */
  replayWaitMs: number
  /**
   * Query parameter of the last id on the eventsource transport (`lastEventIdParam`).
   * @default 'lastEventId'
   */
  lastEventIdParam: string
  /**
   * A URL (requested with POST and the same credentials) or a shell command that makes the server
   * send one message.
   * @default undefined
   */
  trigger?: string
  /** @default 'en' */
  lang: DoctorLang
  /**
   * Print the report as JSON.
   * @default false
   */
  json: boolean
}

export const doctorDefaults = {
  method: 'GET',
  listenMs: 75_000,
  heartbeatTimeoutMs: defaultHeartbeatTimeout,
  proxyTimeoutMs: 60_000,
  replayWaitMs: 2_000,
  lastEventIdParam: defaultLastEventIdParam,
  lang: 'en',
  json: false,
} as const satisfies Partial<DoctorOptions>
