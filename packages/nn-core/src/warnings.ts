/**
 * Library warnings (PyTorch: `warnings.warn`). Library code never prints: `warn(message)` hands the warning to
 * every handler registered with `onWarning`, and also keeps it in a small ring of recent warnings that
 * `recentWarnings()` returns (so a warning is never lost, and never printed, when nobody listens).
 * The trainer's CLI is the place that registers a handler which prints.
 */

/** One warning. `category` follows Python's warning classes (`UserWarning`, `DeprecationWarning`). */
export interface Warning {
  readonly message: string;
  readonly category: WarningCategory;
}

export type WarningCategory = 'UserWarning' | 'DeprecationWarning';

export type WarningHandler = (warning: Warning) => void;

/** How many recent warnings the ring keeps. */
export const RECENT_WARNINGS_CAPACITY = 32;

const handlers = new Set<WarningHandler>();
const ring: Warning[] = [];

/**
 * Registers `handler` for every later warning.
 * @returns a function that unregisters it
 */
export function onWarning(handler: WarningHandler): () => void {
  if (typeof handler !== 'function') throw new TypeError(`onWarning: handler is ${typeof handler}, expected a function`);
  handlers.add(handler);
  return () => {
    handlers.delete(handler);
  };
}

/** Emits a warning to the registered handlers and records it in the ring of recent warnings. */
export function warn(message: string, category: WarningCategory = 'UserWarning'): void {
  const w: Warning = { message, category };
  ring.push(w);
  if (ring.length > RECENT_WARNINGS_CAPACITY) ring.shift();
  for (const h of [...handlers]) h(w);
}

/** The most recent warnings, oldest first (at most `RECENT_WARNINGS_CAPACITY`). */
export function recentWarnings(): Warning[] {
  return [...ring];
}

/** Empties the ring of recent warnings. */
export function clearRecentWarnings(): void {
  ring.length = 0;
}
