import { reactive } from 'vue'

/** The signed-in user of the playground; `token` is what the SSE plugin watches. */
export interface AuthState {
  username: string
  token: string
}

// localStorage, not sessionStorage: every tab of the origin shares the login, so tabs can share one stream.
// `?auth=session` keeps this tab's login to itself, so one browser can sign in as several users at once.
const STORAGE_KEY = 'water-ops.auth'
const storage: Storage = new URLSearchParams(window.location.search).get('auth') === 'session' ? sessionStorage : localStorage

function load(): AuthState {
  try {
    const saved = JSON.parse(storage.getItem(STORAGE_KEY) ?? 'null') as Partial<AuthState> | null
    if (saved && typeof saved.token === 'string' && typeof saved.username === 'string') {
      return { username: saved.username, token: saved.token }
    }
  } catch {
    // A corrupt entry means logged out.
  }
  return { username: '', token: '' }
}

/** Reactive login state, persisted per origin. */
export const auth: AuthState = reactive(load())

function save(): void {
  if (auth.token) storage.setItem(STORAGE_KEY, JSON.stringify({ username: auth.username, token: auth.token }))
  else storage.removeItem(STORAGE_KEY)
}

/** Asks the backend for a token; any user name is accepted. */
export async function login(username: string): Promise<void> {
  const response = await fetch('/api/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username }),
  })
  if (!response.ok) throw new Error(`Login failed: HTTP ${response.status}`)
  const { token } = (await response.json()) as { token?: string }
  if (!token) throw new Error('Login failed: no token in the response')
  auth.username = username
  auth.token = token
  save()
}

/** Forgets the token: the plugin closes the stream and resets the store. */
export function logout(): void {
  // Revoke the token server-side too; the UI does not wait for it.
  if (auth.token) {
    void fetch('/api/logout', { method: 'POST', headers: { Authorization: `Bearer ${auth.token}` } }).catch(() => undefined)
  }
  auth.username = ''
  auth.token = ''
  save()
}

// Another tab logged in or out: follow it.
window.addEventListener('storage', (event) => {
  if (event.key !== STORAGE_KEY || event.storageArea !== storage) return
  const next = load()
  auth.username = next.username
  auth.token = next.token
})
