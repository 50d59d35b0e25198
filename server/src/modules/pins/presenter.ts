import { toRfc3339 } from '../../lib/time.js';
import type { UrlFor } from '../boards/presenter.js';
import type { PinRow } from './repo.js';
import type { PresentedPinMetrics } from '../analytics/presenter.js';
import { jsonStringContent, mediaViewOf, presentPinMedia, renderMediaView } from './media-view.js';
import { mediaOf } from './repo.js';

export interface PinPresentation {
  /** The caller: `is_owner` says whether they own the pin. */
  viewerId: string;
  urlFor: UrlFor;
  /**
   * pin_metrics when it was requested (analytics/presenter.ts presentPinMetrics; null for pins
   * without analytics for the caller); undefined leaves the field out.
   */
  pinMetrics?: PresentedPinMetrics | null;
}

/** Pinterest's `Pin`. */
export function presentPin(pin: PinRow, options: PinPresentation) {
  return {
    id: pin.id,
    created_at: toRfc3339(pin.createdAt),
    link: pin.link,
    title: pin.title,
    description: pin.description,
    dominant_color: pin.dominantColor,
    alt_text: pin.altText,
    creative_type: pin.creativeType,
    board_id: pin.boardId,
    board_section_id: pin.boardSectionId,
    board_owner: { username: pin.board.ownerUsername },
    is_owner: pin.ownerId === options.viewerId,
    is_standard: pin.isStandard,
    has_been_promoted: pin.hasBeenPromoted,
    parent_pin_id: pin.parentPinId,
    media: presentPinMedia(mediaOf(pin), options.urlFor),
    ...(options.pinMetrics !== undefined ? { pin_metrics: options.pinMetrics } : {}),
  };
}

/**
 * Writes JSON text of Pinterest's `Pin` (without pin_metrics) for the API's hot reads: the same
 * text the route's schema serializer makes of `presentPin`, field for field and in the same
 * order (pins/presenter tests hold the two equal), with the media spliced from the pin's stored
 * view instead of parsing its media_json. Make one per request (or per app: nothing in it
 * changes between requests) and call it once per pin.
 */
export class PinJsonWriter {
  private base = '';
  private baseJson = '';

  constructor(private readonly urlFor: UrlFor) {}

  /**
   * Media URLs are PUBLIC_URL/media/<key>: the base is what urlFor gives an empty key, read on
   * every call (an ephemeral server learns its address only once it listens).
   */
  private mediaBaseJson(): string {
    const base = this.urlFor('');
    if (base !== this.base) {
      this.base = base;
      this.baseJson = jsonStringContent(base);
    }
    return this.baseJson;
  }

  write(pin: PinRow, viewerId: string): string {
    const view = pin.storedMedia.view ?? mediaViewOf(mediaOf(pin));
    return (
      `{"id":"${pin.id}","created_at":${JSON.stringify(toRfc3339(pin.createdAt))}` +
      `,"link":${nullableString(pin.link)},"title":${nullableString(pin.title)}` +
      `,"description":${nullableString(pin.description)},"dominant_color":${nullableString(pin.dominantColor)}` +
      `,"alt_text":${nullableString(pin.altText)},"creative_type":${nullableString(pin.creativeType)}` +
      `,"board_id":"${pin.boardId}","board_section_id":${nullableId(pin.boardSectionId)}` +
      `,"board_owner":{"username":${JSON.stringify(pin.board.ownerUsername)}}` +
      `,"is_owner":${pin.ownerId === viewerId},"is_standard":${pin.isStandard}` +
      `,"has_been_promoted":${pin.hasBeenPromoted},"parent_pin_id":${nullableId(pin.parentPinId)}` +
      `,"media":${renderMediaView(view, this.mediaBaseJson())}}`
    );
  }

  /** `{items, bookmark}` of a page of pins. */
  writePage(pins: readonly PinRow[], viewerId: string, bookmark: string | null): string {
    let items = '';
    for (let i = 0; i < pins.length; i++) items += (i === 0 ? '' : ',') + this.write(pins[i]!, viewerId);
    return `{"items":[${items}],"bookmark":${nullableString(bookmark)}}`;
  }
}

function nullableString(value: string | null): string {
  return value === null ? 'null' : JSON.stringify(value);
}

/** Ids are decimal digits (lib/ids): nothing to escape. */
function nullableId(value: string | null): string {
  return value === null ? 'null' : `"${value}"`;
}
