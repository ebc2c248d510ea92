// Random ids for tabs and logins.
/** 32 random hex digits: ids of tabs and of logins, unique among the tabs of one browser. */
export function randomId(): string {
  const bytes = new Uint8Array(16)
  // getRandomValues, unlike randomUUID, works outside secure contexts: plain-http intranet admin apps
  // are common.
  if (typeof globalThis.crypto?.getRandomValues === 'function') crypto.getRandomValues(bytes)
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.random() * 256
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}
