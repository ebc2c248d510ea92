import { reactive } from 'vue'

/**
 * The login state the hub watches. It must be reactive (or a ref): the hub connects when the token
 * appears and disconnects when it goes; a plain object is read once and never seen to change.
 */
export const auth = reactive({ token: localStorage.getItem('token') })

/** Call when your login request succeeds. */
export function logIn(token: string): void {
  auth.token = token
  localStorage.setItem('token', token)
}

/** Logout: the hub closes the stream, clears the store and closes its popups. */
export function logOut(): void {
  auth.token = null
  localStorage.removeItem('token')
}
