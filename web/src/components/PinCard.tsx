import { useEffect, useRef } from 'react';
import { Link } from 'react-router';
import { formatDuration, videoOf } from '../api/media';
import type { Pin } from '../api/types';
import { observeImpression, reportPinClick } from '../lib/analytics';
import { placeholderColor, responsiveImage } from '../lib/images';
import type { Placement } from '../lib/masonry';

/** Height of the text under a card's image: one line of title and one of owner. */
export const PIN_CARD_TEXT_HEIGHT = 48;

export function PinCard({
  pin,
  placement,
  eager = false,
}: {
  pin: Pin;
  placement: Placement;
  eager?: boolean;
}) {
  // A video pin's card shows its cover (media.images) with a badge and the length.
  const image = responsiveImage(pin, placement.width);
  const video = videoOf(pin);
  const ref = useRef<HTMLAnchorElement>(null);
  useEffect(() => (ref.current ? observeImpression(ref.current, pin.id) : undefined), [pin.id]);
  return (
    <Link ref={ref} to={`/pin/${pin.id}`} className="pin-card" onClick={() => reportPinClick(pin.id)}>
      <div
        className="pin-card-image"
        style={{ height: placement.imageHeight, backgroundColor: placeholderColor(pin) }}
      >
        {image && (
          <img
            src={image.src}
            srcSet={image.srcSet || undefined}
            sizes={image.sizes || undefined}
            alt={pin.alt_text ?? (pin.title ? '' : 'Untitled pin')}
            width={placement.width}
            height={placement.imageHeight}
            loading={eager ? 'eager' : 'lazy'}
            fetchPriority={eager ? 'high' : undefined}
            // The first cards replace the server's first row (PinFeedFirstRow.css) with the same
            // images: decoded with the frame, not after it, so they never blink.
            decoding={eager ? undefined : 'async'}
          />
        )}
        {video && (
          <span className="pin-card-badge">
            <span aria-hidden="true">▶ </span>
            <span className="visually-hidden">Video, </span>
            {formatDuration(video.duration)}
          </span>
        )}
      </div>
      <div className="pin-card-text" style={{ height: PIN_CARD_TEXT_HEIGHT }}>
        <span className="pin-card-title">{pin.title || '\u00a0'}</span>
        <span className="pin-card-owner">{pin.board_owner.username}</span>
      </div>
    </Link>
  );
}
