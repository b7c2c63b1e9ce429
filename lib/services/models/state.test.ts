import { describe, expect, it } from 'vitest';
import { stateMemo, type ModelState } from './state';

const newState = (): ModelState => ({ configs: new Map(), templates: new Map(), access: new Map() });

describe('stateMemo', () => {
  it('remembers a value per model state and key, and forgets it with the state', () => {
    const memo = stateMemo<number>();
    const a = newState();
    const b = newState();
    expect(memo.set(a, 'openai|global', 1)).toBe(1);
    expect(memo.get(a, 'openai|global')).toBe(1);
    // a replaced state (a model or scope change) starts empty
    expect(memo.get(b, 'openai|global')).toBeUndefined();
    expect(memo.get(a, 'anthropic|global')).toBeUndefined();
  });

  it('holds at most 5,000 entries per state: past that it starts over', () => {
    const memo = stateMemo<number>();
    const s = newState();
    for (let i = 0; i < 5_000; i++) memo.set(s, `openai|ev-${i}`, i);
    expect(memo.get(s, 'openai|ev-0')).toBe(0);
    expect(memo.get(s, 'openai|ev-4999')).toBe(4999);
    memo.set(s, 'openai|ev-5000', 5000);
    expect(memo.get(s, 'openai|ev-0')).toBeUndefined();
    expect(memo.get(s, 'openai|ev-5000')).toBe(5000);
  });
});
