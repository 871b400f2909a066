/**
 * Whether new ops record a graph. PyTorch: `torch.no_grad()`, `torch.enable_grad()`, `torch.is_grad_enabled()`.
 */
let enabled = true;

export function isGradEnabled(): boolean {
  return enabled;
}

export function setGradEnabled(on: boolean): void {
  enabled = on;
}

/**
 * Runs `fn` with graph recording off and restores the previous mode afterwards (also on throw).
 * `fn` must be synchronous: the mode is restored when `fn` returns, not when a promise it returns settles.
 */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn);
}

/** Runs `fn` with graph recording on (inside a `noGrad` block, for example). */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode(true, fn);
}

function withGradMode<T>(on: boolean, fn: () => T): T {
  const prev = enabled;
  enabled = on;
  try {
    return fn();
  } finally {
    enabled = prev;
  }
}
