import { Type, type Static } from '@sinclair/typebox';
import { StringEnum } from '../boards/schemas.js';
import { APP_TYPES } from './events.js';
import { BEACON_EVENT_TYPES, BEACON_MAX_EVENTS, CLIENT_ID_MAX_LENGTH } from './ingest-live.js';

const AppTypeSchema = StringEnum(APP_TYPES, { description: 'Where the viewer is: WEB, MOBILE or TABLET.' });

export const BeaconEventSchema = Type.Object(
  {
    id: Type.String({
      maxLength: CLIENT_ID_MAX_LENGTH,
      description:
        'Made by the client, unique per event (e.g. a UUID): the same id and type from the same viewer count once.',
    }),
    type: Type.String({
      maxLength: 40,
      description: `What happened: one of ${BEACON_EVENT_TYPES.join(', ')}. Video types only for video pins.`,
    }),
    pin_id: Type.String({ maxLength: 30, description: 'The pin shown, opened or played.' }),
    value: Type.Optional(
      Type.Number({
        description: 'For VIDEO_WATCH_TIME and VIDEO_V50_WATCH_TIME: milliseconds watched (1 to 3,600,000).',
      }),
    ),
  },
  { $id: 'AnalyticsBeaconEvent', description: 'One event seen by the web app.' },
);

export const BeaconBodySchema = Type.Object(
  {
    app_type: Type.Optional(AppTypeSchema),
    events: Type.Array(BeaconEventSchema, {
      minItems: 1,
      maxItems: BEACON_MAX_EVENTS,
      description: `1 to ${BEACON_MAX_EVENTS} events.`,
    }),
  },
  {
    $id: 'AnalyticsBeacon',
    description: 'A batch of impressions, pin clicks and video progress reported by the web app.',
  },
);
export type BeaconBody = Static<typeof BeaconBodySchema>;

export const BeaconResultSchema = Type.Object(
  {
    accepted: Type.Integer({
      description: 'Events queued for counting (an id already counted counts once).',
    }),
    rejected: Type.Array(
      Type.Object({
        index: Type.Integer({ description: 'Position of the event in `events`.' }),
        id: Type.String({ description: 'The event id as sent.' }),
        reason: Type.String({ description: 'Why it was not counted, naming the field.' }),
      }),
      { description: 'Events not counted.' },
    ),
  },
  { $id: 'AnalyticsBeaconResult', description: 'What the beacon accepted and rejected.' },
);
