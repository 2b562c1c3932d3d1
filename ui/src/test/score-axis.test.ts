// Score charts keep a total with bonus (加分项) on the chart.
import { describe, expect, it } from 'vitest';
import { scoreAxisMax } from '../dashboard/fmt';

describe('scoreAxisMax', () => {
  it('is 100 for scores within the 100 and rises to the next 5 above it', () => {
    expect(scoreAxisMax([62.5, 99.9, null])).toBe(100);
    expect(scoreAxisMax([])).toBe(100);
    expect(scoreAxisMax([101.8, 88])).toBe(105);
    expect(scoreAxisMax([105])).toBe(105);
    expect(scoreAxisMax([Number.NaN, 103])).toBe(105);
  });
});
