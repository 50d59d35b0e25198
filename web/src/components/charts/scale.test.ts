import { describe, expect, it } from 'vitest';
import { labelIndexes, layoutChart, linearScale, niceStep, niceTicks } from './scale';

const area = { width: 400, height: 200, top: 10, right: 10, bottom: 30, left: 50 };

describe('chart scaling', () => {
  it('maps a domain onto a range linearly, reversed ranges included', () => {
    const scale = linearScale([0, 10], [100, 0]);
    expect(scale(0)).toBe(100);
    expect(scale(10)).toBe(0);
    expect(scale(2.5)).toBe(75);
    expect(linearScale([3, 3], [0, 50])(3)).toBe(25);
  });

  it('picks steps of 1, 2 or 5 times a power of ten', () => {
    expect(niceStep(10, 4)).toBe(5);
    expect(niceStep(100, 4)).toBe(50);
    expect(niceStep(7, 4)).toBe(2);
    expect(niceStep(0.35, 4)).toBe(0.1);
    expect(niceStep(4, 4)).toBe(1);
  });

  it('makes y ticks from 0 that reach the largest value', () => {
    expect(niceTicks(12)).toEqual([0, 5, 10, 15]);
    expect(niceTicks(20)).toEqual([0, 5, 10, 15, 20]);
    expect(niceTicks(1234)).toEqual([0, 500, 1000, 1500]);
    expect(niceTicks(0.32)).toEqual([0, 0.1, 0.2, 0.3, 0.4]);
    expect(niceTicks(0)).toEqual([0, 0.5, 1]);
    expect(niceTicks(1)).toEqual([0, 0.5, 1]);
    for (const max of [3, 17, 99, 250, 0.07, 86_400]) {
      const ticks = niceTicks(max);
      expect(ticks[0]).toBe(0);
      expect(ticks[ticks.length - 1]!).toBeGreaterThanOrEqual(max);
      expect(ticks.length).toBeLessThanOrEqual(6);
    }
  });

  it('labels at most N days, the first and last included, evenly spread', () => {
    expect(labelIndexes(5, 7)).toEqual([0, 1, 2, 3, 4]);
    expect(labelIndexes(30, 6)).toEqual([0, 6, 12, 18, 29]);
    expect(labelIndexes(90, 5)).toEqual([0, 23, 46, 89]);
    expect(labelIndexes(30, 17)).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 29]);
    expect(labelIndexes(10, 4)).toEqual([0, 3, 6, 9]);
    expect(labelIndexes(11, 4)).toEqual([0, 4, 10]);
    // The last label replaces one that would sit too close to it.
    expect(labelIndexes(14, 5)).toEqual([0, 4, 8, 13]);
    expect(labelIndexes(1, 5)).toEqual([0]);
    expect(labelIndexes(0, 5)).toEqual([]);
    for (const [count, max] of [
      [91, 6],
      [31, 4],
      [8, 3],
    ] as const) {
      const indexes = labelIndexes(count, max);
      expect(indexes.length).toBeLessThanOrEqual(max);
      expect(indexes[0]).toBe(0);
      expect(indexes[indexes.length - 1]).toBe(count - 1);
    }
  });

  it('places points left to right across the plot area, higher values higher up', () => {
    const layout = layoutChart([{ name: 'WEB', values: [0, 5, 10, 20] }], area);
    expect(layout.yTicks.map((t) => t.value)).toEqual([0, 5, 10, 15, 20]);
    const [first, , third, last] = layout.series[0]!.points;
    expect(first).toMatchObject({ x: 50, y: 170, value: 0 });
    expect(last).toMatchObject({ x: 390, y: 10, value: 20 });
    expect(third!.y).toBe(90);
    expect(layout.series[0]!.path).toBe('M50 170 L163.33 130 L276.67 90 L390 10');
  });

  it('shares one y axis between series, and centres a single day', () => {
    const layout = layoutChart(
      [
        { name: 'WEB', values: [4] },
        { name: 'MOBILE', values: [8] },
      ],
      area,
    );
    const [web, mobile] = layout.series;
    expect(web!.points[0]!.x).toBe(220);
    expect(mobile!.points[0]!.y).toBeLessThan(web!.points[0]!.y);
    expect(layout.yTicks[layout.yTicks.length - 1]!.value).toBeGreaterThanOrEqual(8);
  });
});
