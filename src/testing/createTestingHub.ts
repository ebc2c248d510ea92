// The testing kit's hub: a real hub (decode, dedupe, store, bus, popups) over a connection that never
// touches the network, for component and store tests.
import { getActivePinia } from 'pinia'
import type { Pinia } from 'pinia'
import type { App } from 'vue'
import { nextTick } from 'vue'
import { setActiveHub } from '../composables/useSseHub'
import type { SseStatus } from '../core/connection'
import { SseError } from '../core/errors'
import type { SseErrorKind } from '../core/errors'
import type { KnownMessageType, MessageData } from '../core/protocol'
import { buildHub } from '../hub'
import type { SseHub } from '../hub'
import { sseHubKey } from '../keys'
import { notifiersLoaded } from '../notify/lazyNotifier'
import { mountsSettled } from '../notify/mountQueue'
import type { SseHubOptions } from '../options'
import { createFakeConnection } from './fakeConnection'
import type { FakeConnection } from './fakeConnection'

/** Options of {@link createTestingHub}: the hub's own, all optional, plus where its store lives. */
export interface TestingHubOptions extends Partial<Omit<SseHubOptions, 'share' | 'transport' | 'environment'>> {
  /**
   * The Pinia to feed.
   * @default the app's, once installed as a plugin; else the active Pinia
   */
  pinia?: Pinia
}

/** What an emitted message carries besides its type and payload. */
export interface EmitOptions {
  /**
   * The event's `id:`; a message with an id already delivered is dropped, as from a live stream.
   * @default a new id for every message ('1', '2', ...)
   */
  id?: string
}

/** A hub for tests, and the controls of its stream. Install it with `app.use()` or `global.plugins`. */
export interface TestingHub {
  /** Provides the hub to the app's components, like `ssePlugin`; disposes it when the app unmounts. */
  install(app: App): void
  /** The hub itself, as `useSseHub()` returns it. */
  readonly hub: SseHub
  /**
   * Sends one message through the live path: decoded from `{ messageType, messageData }` JSON, admitted
   * once by id, stored, emitted to listeners, popped. Typed by `SseMessageMap`, the app's own types
   * included. Throws when the stream is not open (logged out, or failed).
   */
  emit<K extends KnownMessageType | (string & {})>(type: K, data: MessageData<K>, options?: EmitOptions): void
  /** Sends one event as the server writes it (`data` as sent), for apps with their own `decode`. */
  emitRaw(event: { data: string; event?: string; id?: string }): void
  /** Moves the stream to `status` (`connecting`, `open`, `reconnecting`, `closed`, `idle`). */
  setStatus(status: SseStatus): void
  /**
   * Fails the stream as the server or network would: the error reaches `onError` and the store, and
   * the stream moves to `status`.
   * @param status where the stream goes next. @default 'reconnecting'
   */
  fail(error: SseError | SseErrorKind, status?: SseStatus): void
  /** Resolves once the popups of the messages so far are loaded, decided and mounted. */
  flush(): Promise<void>
  /** Disposes the hub (the plugin does it when the app unmounts). */
  dispose(): void
}

/**
 * A hub that needs no network: messages go in with `emit()` and take exactly the live path. Without
 * `token` or `loggedIn` it is logged in at once; with them it follows them as the real hub does. It
 * becomes the active hub (`useSseHub()` outside components); installed in an app, it is provided to
 * its components like `ssePlugin`'s.
 */
export function createTestingHub(options: TestingHubOptions = {}): TestingHub {
  let app: App | undefined
  let connection: FakeConnection | undefined
  let nextId = 0
  // The store is looked up once the hub is used (installed, or a first message): the Pinia active when
  // the hub was made may be an earlier test's.
  let inUse = false
  const { pinia, ...hubOptions } = options
  const hub = buildHub(
    { url: '/sse', ...hubOptions, share: false },
    { pinia: () => pinia ?? appPinia() ?? (inUse && !app ? getActivePinia() : undefined) },
    (connectionOptions, callbacks) => (connection = createFakeConnection(connectionOptions, callbacks)),
  )
  const stream = connection!
  if (options.token === undefined && options.loggedIn === undefined) hub.connect()
  setActiveHub(hub)

  function appPinia(): Pinia | undefined {
    return app?.config.globalProperties.$pinia as Pinia | undefined
  }

  /** The hub is used: its store catches up with what happened so far. */
  function use(): void {
    inUse = true
    void hub.store
  }

  function emitRaw(event: { data: string; event?: string; id?: string }): void {
    use()
    const id = event.id ?? String(++nextId)
    stream.receive({ event: event.event ?? 'message', data: event.data, lastEventId: id, id })
  }

  return {
    hub,
    install(target: App) {
      app = target
      target.provide(sseHubKey, hub)
      target.config.globalProperties.$sse = hub
      target.onUnmount(() => hub.dispose())
      use()
      // Pinia installed after this plugin: found once the install chain is done.
      void Promise.resolve().then(use)
    },
    emit(type, data, emitOptions = {}) {
      emitRaw({ data: JSON.stringify({ messageType: type, messageData: data }), id: emitOptions.id })
    },
    emitRaw,
    setStatus(status) {
      use()
      stream.moveTo(status)
    },
    fail(error, status = 'reconnecting') {
      use()
      stream.failWith(typeof error === 'string' ? new SseError(error, `A ${error} error from the testing hub`) : error, status)
    },
    async flush() {
      await notifiersLoaded()
      await mountsSettled()
      await nextTick()
    },
    dispose: () => hub.dispose(),
  }
}
