import { Type, type Static } from '@sinclair/typebox';
import { IdString, Nullable } from '../../http/schema-helpers.js';
import { BoardOwnerSchema, StringEnum } from '../boards/schemas.js';
import type { PinCreateInput, PinUpdateInput } from './service.js';

export const CREATIVE_TYPES = [
  'REGULAR',
  'VIDEO',
  'SHOPPING',
  'CAROUSEL',
  'MAX_VIDEO',
  'SHOP_THE_PIN',
  'COLLECTION',
  'IDEA',
  'SHOWCASE',
  'QUIZ',
  'COLLAGE',
  'MAX_WIDTH_REGULAR_COLLECTION',
  'MAX_WIDTH_VIDEO_COLLECTION',
] as const;

export type CreativeType = (typeof CREATIVE_TYPES)[number];

export const CreativeTypeSchema = StringEnum(CREATIVE_TYPES, { description: 'Pin creative type.' });
const ContentTypeSchema = StringEnum(['image/jpeg', 'image/png'] as const, {
  description: 'Image content type.',
});
/**
 * Base64 image data. Not a `pattern`: a regular expression over a 5 MB upload holds the event
 * loop 6-10 ms; the media service decodes and checks it in one native pass (lib/base64.ts) and
 * refuses anything else with the same 400 code 1 naming the field.
 */
const Base64Data = (description: string) => Type.String({ contentEncoding: 'base64', description });

const pinMetricCount = (description: string) => Type.Integer({ minimum: 0, description });
const RECENT_PIN_METRICS = {
  pin_click: pinMetricCount('Pin clicks (closeups).'),
  impression: pinMetricCount('Impressions.'),
  clickthrough: pinMetricCount('Outbound clicks to the link.'),
};

const PinMetricsSchema = Type.Object(
  {
    '90d': Type.Object(RECENT_PIN_METRICS, { description: 'The last 90 days (UTC), today included.' }),
    lifetime_metrics: Type.Object(
      {
        ...RECENT_PIN_METRICS,
        reaction: pinMetricCount('Reactions.'),
        comment: pinMetricCount('Comments.'),
      },
      { description: "The pin's whole life." },
    ),
  },
  { description: 'Pin metrics by time interval.' },
);

export const PinSchema = Type.Object(
  {
    id: IdString('Unique identifier of the Pin.'),
    created_at: Type.String({ format: 'date-time', description: 'Date and time of Pin creation.' }),
    link: Nullable(Type.String(), { description: 'Destination link of the Pin.' }),
    title: Nullable(Type.String(), { description: 'Title of the Pin.' }),
    description: Nullable(Type.String(), { description: 'Description of the Pin.' }),
    dominant_color: Nullable(Type.String(), { description: 'Dominant Pin color, e.g. "#6E7874".' }),
    alt_text: Nullable(Type.String(), { description: 'Alternative text of the image.' }),
    creative_type: Nullable(CreativeTypeSchema, {
      description: 'Creative type: REGULAR for one image, CAROUSEL for several, VIDEO for a video.',
    }),
    board_id: IdString('The board to which this Pin belongs.'),
    board_section_id: Nullable(IdString('The board section to which this Pin belongs.'), {
      description: 'The board section to which this Pin belongs.',
    }),
    board_owner: BoardOwnerSchema,
    is_owner: Type.Boolean({ description: 'Whether the caller owns the Pin.' }),
    is_standard: Type.Boolean({ description: 'Whether the Pin is standard (not a simplified Pin).' }),
    has_been_promoted: Type.Boolean({
      description: 'Whether the Pin has been promoted (never, in Corkboard).',
    }),
    parent_pin_id: Nullable(IdString('The source Pin id if this Pin was saved from another Pin.'), {
      description: 'The source Pin id if this Pin was saved from another Pin.',
    }),
    media: Type.Object(
      { media_type: Type.String({ description: 'image, multiple_images or video.' }) },
      {
        additionalProperties: true,
        description:
          'Pin media (PinMediaWithImage: images by size; PinMediaWithImages: items with images, title, description, link; PinMediaWithVideo: cover images, cover_image_url, video_url, duration in ms, width, height).',
      },
    ),
    pin_metrics: Type.Optional(
      Nullable(PinMetricsSchema, {
        description:
          "Pin metrics, only when pin_metrics=true was asked for: the owner's last 90 days and lifetime; null for others' pins and for accounts that are not business accounts.",
      }),
    ),
  },
  { $id: 'Pin', description: 'Pin model containing properties related to a Pinterest Pin.' },
);

const SOURCE_TYPES = [
  'image_base64',
  'image_url',
  'video_id',
  'multiple_image_base64',
  'multiple_image_urls',
  'pin_url',
] as const;

export const PinMediaSourceSchema = Type.Object(
  {
    source_type: StringEnum(SOURCE_TYPES, {
      description: 'The source type of the media. pin_url is not supported yet.',
    }),
    content_type: Type.Optional(ContentTypeSchema),
    data: Type.Optional(Base64Data('Base64 image data (image_base64).')),
    url: Type.Optional(Type.String({ description: 'Image URL (image_url).' })),
    is_standard: Type.Optional(
      Type.Boolean({ description: 'Set to false for a simplified Pin (default true).' }),
    ),
    items: Type.Optional(
      Type.Array(
        Type.Object({
          content_type: Type.Optional(ContentTypeSchema),
          data: Type.Optional(Base64Data('Base64 image data.')),
          url: Type.Optional(Type.String({ description: 'Image URL.' })),
          title: Type.Optional(Type.String({ description: 'Title of this image of the carousel.' })),
          description: Type.Optional(
            Type.String({ description: 'Description of this image of the carousel.' }),
          ),
          link: Type.Optional(Type.String({ description: 'Link of this image of the carousel.' })),
        }),
        { minItems: 2, maxItems: 5, description: 'The 2 to 5 images of a carousel (multiple_image_*).' },
      ),
    ),
    index: Type.Optional(Type.Integer({ minimum: 0, description: 'Carousel index (ignored).' })),
    media_id: Type.Optional(
      Type.String({ pattern: '^\\d+$', description: 'A succeeded media upload of the caller (video_id).' }),
    ),
    cover_image_url: Type.Optional(Type.String({ description: 'Cover image URL (video_id).' })),
    cover_image_content_type: Type.Optional(ContentTypeSchema),
    cover_image_data: Type.Optional(Base64Data('Cover image base64 (video_id).')),
    cover_image_key_frame_time: Type.Optional(
      Type.Integer({
        minimum: 0,
        description: 'Cover from the frame at this second (video_id); past the end, the last frame.',
      }),
    ),
    is_affiliate_link: Type.Optional(
      Type.Boolean({ description: 'Affiliate link (pin_url; not supported yet).' }),
    ),
  },
  {
    $id: 'PinMediaSource',
    description:
      'Pin media source: one image (base64 or URL), a carousel of 2 to 5 images, or an uploaded video (video_id).',
  },
);

const title = Nullable(Type.String({ maxLength: 100 }), {
  description: 'Title of the Pin (up to 100 characters).',
});
const description = Nullable(Type.String({ maxLength: 800 }), {
  description: 'Description (up to 800 characters).',
});
const link = Nullable(Type.String({ maxLength: 2048 }), {
  description: 'Destination link: an http(s) URL (up to 2048).',
});
const altText = Nullable(Type.String({ maxLength: 500 }), {
  description: 'Alternative text (up to 500 characters).',
});

export const PinCreateSchema = Type.Object(
  {
    board_id: IdString("The board to which this Pin belongs: one of the caller's own."),
    board_section_id: Type.Optional(
      Nullable(IdString('A section of that board.'), { description: 'A section of that board.' }),
    ),
    title: Type.Optional(title),
    description: Type.Optional(description),
    link: Type.Optional(link),
    alt_text: Type.Optional(altText),
    dominant_color: Type.Optional(
      Nullable(Type.String(), {
        description: 'Dominant color "#rrggbb"; computed from the image when absent or not valid.',
      }),
    ),
    parent_pin_id: Type.Optional(
      Nullable(IdString('Source Pin id.'), { description: 'The source Pin, if saved from another.' }),
    ),
    sponsor_id: Type.Optional(
      Nullable(IdString('Sponsor account id (ignored).'), { description: 'Ignored.' }),
    ),
    media_source: PinMediaSourceSchema,
  },
  { $id: 'PinCreate', description: 'Pin to create.' },
);

export const PinUpdateSchema = Type.Object(
  {
    title: Type.Optional(title),
    description: Type.Optional(description),
    link: Type.Optional(link),
    alt_text: Type.Optional(altText),
    board_id: Type.Optional(IdString("Move the Pin to this board (one of the caller's own).")),
    board_section_id: Type.Optional(
      Nullable(IdString('Move the Pin to this section; null takes it out of its section.'), {
        description: 'Move the Pin to this section; null takes it out of its section.',
      }),
    ),
    carousel_slots: Type.Optional(
      Type.Array(
        Type.Object(
          {
            title: Type.Optional(Type.String({ description: 'Carousel Pin slot title.' })),
            description: Type.Optional(Type.String({ description: 'Carousel Pin slot description.' })),
            link: Type.Optional(Type.String({ description: 'Carousel Pin slot link.' })),
          },
          { $id: 'CarouselSlot' },
        ),
        { description: 'New title, description and link of the carousel images, by position.' },
      ),
    ),
  },
  { $id: 'PinUpdate', description: 'Fields of a Pin to change.' },
);

export const PinSaveSchema = Type.Object(
  {
    board_id: Type.Optional(
      Nullable(IdString("The caller's board to save the Pin to."), {
        description: "The caller's board to save the Pin to.",
      }),
    ),
    board_section_id: Type.Optional(
      Nullable(IdString('A section of that board.'), { description: 'A section of that board.' }),
    ),
  },
  { description: 'Request object used to save an existing pin.' },
);

export const PinIdParams = Type.Object({ pin_id: IdString('Unique identifier of a Pin.') });

export const PinMetricsQuery = {
  pin_metrics: Type.Boolean({
    default: false,
    description:
      "Return pin_metrics: the last 90 days' and lifetime metrics of the caller's own pins (business accounts).",
  }),
};

export const CreativeTypesQuery = {
  creative_types: Type.Optional(
    Type.Array(CreativeTypeSchema, {
      description: 'Pin creative types filter (repeated or comma-separated).',
    }),
  ),
};

/** pins/create's body as the service takes it (the /v5 operation and the web app's route alike). */
export function pinCreateInput(body: Static<typeof PinCreateSchema>, appId?: string): PinCreateInput {
  return {
    boardId: body.board_id,
    boardSectionId: body.board_section_id,
    title: body.title,
    description: body.description,
    link: body.link,
    altText: body.alt_text,
    dominantColor: body.dominant_color,
    parentPinId: body.parent_pin_id,
    mediaSource: body.media_source,
    ...(appId !== undefined ? { appId } : {}),
  };
}

/** pins/update's body as the service takes it. */
export function pinUpdateInput(body: Static<typeof PinUpdateSchema>): PinUpdateInput {
  return {
    title: body.title,
    description: body.description,
    link: body.link,
    altText: body.alt_text,
    boardId: body.board_id,
    boardSectionId: body.board_section_id,
    carouselSlots: body.carousel_slots,
  };
}
