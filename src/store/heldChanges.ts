// The hub's changes to the store's objects while it delivers a group of messages: written to the raw
// objects, where every read through the store sees them at once, and told to Vue once per group, so a
// field that changes with every message (a counter, a calc's progress) triggers its watchers once.
import { reactive, toRaw } from 'vue'

export interface HeldChanges {
  /**
   * The object to write the changes of `target` (a reactive object of the state) to: its raw object.
   * Its fields as they were are kept until `publish`.
   */
  edit<T extends object>(target: T): T
  /** Tells Vue of each field changed since the last publish, once, with the value it has now. */
  publish(): void
  /** Forgets the changes held: their objects were replaced, and nothing watches them any more. */
  drop(): void
}

interface Held {
  raw: Record<string, unknown>
  /** The fields as they were when the object was first edited. */
  before: Record<string, unknown>
}

/**
 * @param keep puts what a raw object holds in the form the store keeps (the store: a payload copied).
 *   It runs when an object is first edited, so that its fields as they were are kept that way, and on
 *   every edited object before Vue hears of any: a watcher may read any of them.
 */
export function createHeldChanges(keep: (raw: Record<string, unknown>) => void): HeldChanges {
  // Keyed by the object as the caller has it (the reactive one): asking Vue for the raw object is a
  // proxy trap, paid once per object and group.
  const held = new Map<object, Held>()

  return {
    edit<T extends object>(target: T): T {
      let entry = held.get(target)
      if (entry === undefined) {
        const raw = toRaw(target) as Record<string, unknown>
        keep(raw)
        entry = { raw, before: { ...raw } }
        held.set(target, entry)
      }
      return entry.raw as T
    },
    publish(): void {
      for (const { raw } of held.values()) keep(raw)
      // A watcher run by a change below may reset the store, which drops what is held: the loop ends.
      for (const { raw, before } of held.values()) {
        const proxy = reactive(raw)
        for (const key of Object.keys(raw)) {
          const now = raw[key]
          if (Object.is(now, before[key])) continue
          // Vue triggers a set only when it changes the value: the old value goes back for a moment.
          // (Kept as the store keeps it: Vue reads it, and would take a payload with `__v_isRef` for a ref.)
          raw[key] = before[key]
          proxy[key] = now
        }
      }
      held.clear()
    },
    drop(): void {
      held.clear()
    },
  }
}
