/**
 * Masonry layout as pure arithmetic, so it can be tested without a browser: columns of equal
 * width, each item placed in the shortest column so far (left-most on ties), at the height
 * its aspect ratio gives. Heights are known before any image loads, so nothing jumps.
 */
export interface MasonryOptions {
  containerWidth: number;
  /** Columns are at least this wide (except when even one column does not fit). */
  minColumnWidth: number;
  gap: number;
  maxColumns?: number;
}

export interface MasonryItem {
  /** Width / height of the image; anything not positive or not finite counts as square. */
  aspectRatio: number;
  /** Fixed height under the image (title, owner), in pixels. */
  extraHeight?: number;
}

export interface Placement {
  x: number;
  y: number;
  width: number;
  imageHeight: number;
  height: number;
  column: number;
}

export interface MasonryLayout {
  columns: number;
  columnWidth: number;
  placements: Placement[];
  height: number;
}

export function columnsFor({ containerWidth, minColumnWidth, gap, maxColumns = 8 }: MasonryOptions): number {
  const fit = Math.floor((containerWidth + gap) / (minColumnWidth + gap));
  return Math.max(1, Math.min(maxColumns, fit));
}

export function layoutMasonry(items: readonly MasonryItem[], options: MasonryOptions): MasonryLayout {
  const columns = columnsFor(options);
  const width = Math.max(0, options.containerWidth);
  const columnWidth = Math.max(0, (width - options.gap * (columns - 1)) / columns);
  const heights: number[] = new Array<number>(columns).fill(0);
  const placements = items.map((item): Placement => {
    let column = 0;
    for (let c = 1; c < columns; c++) if (heights[c]! < heights[column]!) column = c;
    const ratio = Number.isFinite(item.aspectRatio) && item.aspectRatio > 0 ? item.aspectRatio : 1;
    const imageHeight = Math.round(columnWidth / ratio);
    const height = imageHeight + (item.extraHeight ?? 0);
    const placement = {
      x: Math.round(column * (columnWidth + options.gap)),
      y: heights[column]!,
      width: Math.floor(columnWidth),
      imageHeight,
      height,
      column,
    };
    heights[column] = heights[column]! + height + options.gap;
    return placement;
  });
  const tallest = Math.max(0, ...heights);
  return {
    columns,
    columnWidth,
    placements,
    height: Math.max(0, tallest - (items.length ? options.gap : 0)),
  };
}
