import { afterEach, describe, expect, it } from 'vitest';
import { clearRecentWarnings, onWarning, recentWarnings, RECENT_WARNINGS_CAPACITY, warn } from './warnings.js';

describe('warnings', () => {
  afterEach(() => clearRecentWarnings());

  it('dispatch to every registered handler until it unsubscribes', () => {
    const got: string[] = [];
    const off = onWarning((w) => got.push(`${w.category}: ${w.message}`));
    warn('first');
    off();
    warn('second');
    // Only the warning emitted while subscribed reaches the handler.
    expect(got).toEqual(['UserWarning: first']);
  });

  it('keep the most recent warnings in a bounded ring even without handlers', () => {
    for (let i = 0; i < RECENT_WARNINGS_CAPACITY + 3; i++) warn(`w${i}`, 'DeprecationWarning');
    const recent = recentWarnings();
    // The 3 oldest fell out of the ring; the newest is last.
    expect(recent).toHaveLength(RECENT_WARNINGS_CAPACITY);
    expect(recent[0].message).toBe('w3');
    expect(recent[recent.length - 1]).toEqual({ message: `w${RECENT_WARNINGS_CAPACITY + 2}`, category: 'DeprecationWarning' });
  });

  it('reject a handler that is not a function', () => {
    expect(() => onWarning(42 as unknown as () => void)).toThrow(/handler is number, expected a function/);
  });
});
