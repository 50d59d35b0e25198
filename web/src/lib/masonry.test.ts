import { describe, expect, it } from 'vitest';
import { columnsFor, layoutMasonry } from './masonry';

const options = { containerWidth: 1000, minColumnWidth: 236, gap: 16 };

describe('masonry layout', () => {
  it('fits as many columns of the minimum width as the container holds', () => {
    expect(columnsFor(options)).toBe(4);
    expect(columnsFor({ ...options, containerWidth: 235 })).toBe(1);
    expect(columnsFor({ ...options, containerWidth: 5000 })).toBe(8);
    expect(columnsFor({ ...options, containerWidth: 5000, maxColumns: 6 })).toBe(6);
  });

  it('puts each item in the shortest column, left-most on ties', () => {
    const layout = layoutMasonry(
      [{ aspectRatio: 1 }, { aspectRatio: 0.5 }, { aspectRatio: 2 }, { aspectRatio: 1 }, { aspectRatio: 1 }],
      { containerWidth: 316, minColumnWidth: 150, gap: 16 },
    );
    expect(layout.columns).toBe(2);
    expect(layout.columnWidth).toBe(150);
    expect(layout.placements.map((p) => p.column)).toEqual([0, 1, 0, 0, 1]);
    expect(layout.placements.map((p) => [p.x, p.y])).toEqual([
      [0, 0],
      [166, 0],
      [0, 166],
      [0, 257],
      [166, 316],
    ]);
    expect(layout.height).toBe(466);
  });

  it('gives each image the height its aspect ratio needs, plus the text under it', () => {
    const layout = layoutMasonry([{ aspectRatio: 0.75, extraHeight: 48 }], {
      containerWidth: 300,
      minColumnWidth: 300,
      gap: 8,
    });
    expect(layout.placements[0]).toMatchObject({ width: 300, imageHeight: 400, height: 448 });
    expect(layout.height).toBe(448);
  });

  it('treats a missing or broken aspect ratio as square', () => {
    const layout = layoutMasonry([{ aspectRatio: 0 }, { aspectRatio: Number.NaN }, { aspectRatio: -2 }], {
      containerWidth: 100,
      minColumnWidth: 100,
      gap: 0,
    });
    expect(layout.placements.map((p) => p.imageHeight)).toEqual([100, 100, 100]);
  });

  it('lays out nothing in an empty or unmeasured container', () => {
    expect(layoutMasonry([], options)).toMatchObject({ placements: [], height: 0 });
    const unmeasured = layoutMasonry([{ aspectRatio: 1 }], { ...options, containerWidth: 0 });
    expect(unmeasured.columns).toBe(1);
    expect(unmeasured.placements[0]?.imageHeight).toBe(0);
  });
});
