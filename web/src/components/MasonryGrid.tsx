import { useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { layoutMasonry, type MasonryItem, type Placement } from '../lib/masonry';

interface MasonryGridProps<T> {
  items: readonly T[];
  itemKey: (item: T) => string;
  measure: (item: T) => MasonryItem;
  render: (item: T, placement: Placement) => ReactNode;
  label: string;
  minColumnWidth?: number;
  gap?: number;
}

/** Absolutely placed cards in document order, so keyboard and screen-reader order is the feed's. */
export function MasonryGrid<T>({
  items,
  itemKey,
  measure,
  render,
  label,
  minColumnWidth = 220,
  gap = 16,
}: MasonryGridProps<T>) {
  const ref = useRef<HTMLUListElement>(null);
  const [width, setWidth] = useState(0);

  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    setWidth(element.clientWidth);
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setWidth(Math.floor(entry.contentRect.width));
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  // Two columns even on a 375 px phone, as Pinterest does.
  const columnWidth =
    width > 0 && width < 2 * minColumnWidth + gap
      ? Math.min(minColumnWidth, (width - 8) / 2)
      : minColumnWidth;
  const layout = useMemo(
    () =>
      layoutMasonry(items.map(measure), {
        containerWidth: width,
        minColumnWidth: columnWidth,
        gap: width < 500 ? 8 : gap,
      }),
    [items, measure, width, columnWidth, gap],
  );

  return (
    <ul ref={ref} className="masonry" aria-label={label} style={{ height: layout.height }}>
      {width > 0 &&
        items.map((item, index) => {
          const placement = layout.placements[index]!;
          return (
            <li
              key={itemKey(item)}
              className="masonry-item"
              style={{ transform: `translate(${placement.x}px, ${placement.y}px)`, width: placement.width }}
            >
              {render(item, placement)}
            </li>
          );
        })}
    </ul>
  );
}
