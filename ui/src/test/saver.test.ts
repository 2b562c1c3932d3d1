import { describe, expect, it } from 'vitest';
import { CoalescedSaver } from '../lib/saver';

function deferredSave() {
  const calls: string[] = [];
  const resolvers: (() => void)[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const save = (v: string) => {
    calls.push(v);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    return new Promise<void>((r) => resolvers.push(() => { inFlight--; r(); }));
  };
  return { calls, resolvers, save, max: () => maxInFlight };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('CoalescedSaver', () => {
  it('keeps one save in flight and sends the newest text next', async () => {
    const d = deferredSave();
    const states: string[] = [];
    const s = new CoalescedSaver(d.save, (st) => states.push(st));
    for (const v of ['a', 'ab', 'abc', 'abcd']) s.push(v);
    expect(d.calls).toEqual(['a']);
    d.resolvers.shift()!();
    await tick();
    expect(d.calls).toEqual(['a', 'abcd']);
    s.push('abcde');
    s.push('abcdef');
    d.resolvers.shift()!();
    await tick();
    expect(d.calls).toEqual(['a', 'abcd', 'abcdef']);
    const flushed = s.flush();
    d.resolvers.shift()!();
    await flushed;
    expect(d.max()).toBe(1);
    expect(d.calls.at(-1)).toBe('abcdef');
    expect(states).toEqual(['saving', 'saved']);
  });

  it('reports a failure of the last save and can retry it', async () => {
    let fail = true;
    const calls: string[] = [];
    const s = new CoalescedSaver(async (v: string) => { calls.push(v); if (fail) throw new Error('disk'); });
    s.push('x');
    await s.flush();
    expect(s.state).toBe('error');
    fail = false;
    s.retry();
    await s.flush();
    expect(s.state).toBe('saved');
    expect(calls).toEqual(['x', 'x']);
  });
});
