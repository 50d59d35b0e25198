import { Type, type SchemaOptions, type Static, type TSchema, type TUnsafe } from '@sinclair/typebox';
import { AdAccountQuery, IdString } from '../../http/schema-helpers.js';
import { StringEnum } from '../boards/schemas.js';
import {
  ACCOUNT_METRIC_TYPES,
  PIN_METRIC_TYPES,
  TOP_PINS_SORT_BY,
  TOP_VIDEO_PINS_SORT_BY,
  VIDEO_METRIC_TYPES,
} from './metric-types.js';
import { APP_TYPES, PIN_FORMATS, SOURCES, TOP_PINS_MAX } from './query-service.js';

/** An object whose keys are open (group keys, pin ids, metric names), each value one schema. */
function MapOf<T extends TSchema>(value: T, options: SchemaOptions): TUnsafe<Record<string, Static<T>>> {
  return Type.Unsafe<Record<string, Static<T>>>({ type: 'object', additionalProperties: value, ...options });
}

const DATA_STATUSES = [
  'PROCESSING',
  'READY',
  'ESTIMATE',
  'BEFORE_BUSINESS_CREATED',
  'BEFORE_DATA_RETENTION_PERIOD',
  'BEFORE_PIN_DATA_RETENTION_PERIOD',
  'BEFORE_METRIC_START_DATE',
  'BEFORE_CORE_METRIC_START_DATE',
  'BEFORE_PIN_FORMAT_METRIC_START_DATE',
  'BEFORE_AUDIENCE_METRIC_START_DATE',
  'BEFORE_AUDIENCE_MONTHLY_METRIC_START_DATE',
  'BEFORE_VIDEO_METRIC_START_DATE',
  'BEFORE_CONVERSION_METRIC_START_DATE',
  'PURCHASERS_METRIC_SMALLER_THAN_THRESHOLD',
  'IN_BAD_TAG_DATE',
  'BEFORE_PUBLISHED_METRIC_START_DATE',
  'BEFORE_ASSIST_METRIC_START_DATE',
  'BEFORE_PIN_CREATED',
  'BEFORE_ACCOUNT_CLAIMED',
  'BEFORE_DEMOGRAPHIC_FILTERS_START_DATE',
  'AUDIENCE_SEGMENT_SMALLER_THAN_THRESHOLD',
  'AUDIENCE_TOTAL_SMALLER_THAN_THRESHOLD',
  'BEFORE_PRODUCT_GROUP_FILTER_START_DATE',
] as const;

export const DataStatusSchema = StringEnum(DATA_STATUSES, {
  description:
    'Metrics availability of a day: READY; PROCESSING for days after today; BEFORE_BUSINESS_CREATED or BEFORE_PIN_CREATED for days before the account or the pin had any data.',
});

const MetricsSchema = MapOf(Type.Number(), {
  description: 'The metric name and value for each requested metric (rates as fractions, times in ms).',
});

const DailyMetricsSchema = Type.Object(
  {
    data_status: DataStatusSchema,
    date: Type.String({ description: 'Metrics date (UTC): YYYY-MM-DD.' }),
    metrics: MetricsSchema,
  },
  { description: 'One day of metrics.' },
);

export const AnalyticsResponseSchema = MapOf(
  Type.Object(
    {
      daily_metrics: Type.Array(DailyMetricsSchema, {
        description: 'Every day of the range, oldest first.',
      }),
      summary_metrics: MetricsSchema,
    },
    { description: 'Metrics of one group (AnalyticsMetricsResponse).' },
  ),
  {
    $id: 'AnalyticsResponse',
    description: 'Metrics by group: "all" when not split, otherwise by the split\'s values (e.g. "WEB").',
  },
);

const PinAnalyticsMetricsSchema = Type.Object(
  {
    daily_metrics: Type.Array(DailyMetricsSchema, { description: 'Every day of the range, oldest first.' }),
    lifetime_metrics: MapOf(Type.Integer(), {
      description: "The requested count metrics over the pin's whole life.",
    }),
    summary_metrics: MetricsSchema,
  },
  { description: 'Metrics of one group (PinAnalyticsMetricsResponse).' },
);

export const PinAnalyticsResponseSchema = MapOf(PinAnalyticsMetricsSchema, {
  $id: 'PinAnalyticsResponse',
  description: 'Pin metrics by group: "all" when not split, otherwise by app type.',
});

export const BulkPinAnalyticsResponseSchema = MapOf(
  MapOf(PinAnalyticsMetricsSchema, { description: 'Pin metrics by group ("all").' }),
  { $id: 'BulkPinAnalyticsResponse', description: 'Pin metrics by pin id.' },
);

const DateAvailabilitySchema = Type.Object(
  {
    is_realtime: Type.Boolean({ description: 'Always true: roll-ups are updated as events arrive.' }),
    latest_available_timestamp: Type.Number({
      description: 'Milliseconds since the epoch up to which data is available (the time of the answer).',
    }),
  },
  { description: 'How fresh the data is.' },
);

function TopPinsResponse(id: string, sortBy: readonly string[]) {
  return Type.Object(
    {
      date_availability: DateAvailabilitySchema,
      pins: Type.Array(
        Type.Object({
          data_status: MapOf(DataStatusSchema, { description: 'Availability of each requested metric.' }),
          metrics: MetricsSchema,
          pin_id: IdString('The pin id.'),
        }),
        { description: 'The top pins, best first; ties by pin id.' },
      ),
      sort_by: StringEnum(sortBy, { description: 'The metric the pins are sorted by.' }),
    },
    { $id: id, description: 'Top pins with their metrics over the range.' },
  );
}

export const TopPinsResponseSchema = TopPinsResponse('TopPinsAnalyticsResponse', TOP_PINS_SORT_BY);
export const TopVideoPinsResponseSchema = TopPinsResponse(
  'TopVideoPinsAnalyticsResponse',
  TOP_VIDEO_PINS_SORT_BY,
);

const dateQuery = {
  start_date: Type.String({
    format: 'date',
    description:
      'Metric report start date (UTC). Format: YYYY-MM-DD. Cannot be more than 90 days back from today.',
  }),
  end_date: Type.String({
    format: 'date',
    description:
      'Metric report end date (UTC). Format: YYYY-MM-DD. Cannot be more than 90 days past start_date.',
  }),
};

const appTypesQuery = {
  app_types: StringEnum(['ALL', ...APP_TYPES] as const, {
    default: 'ALL',
    description: 'Apps or devices to get data for, default is all.',
  }),
};

const accountFilterQuery = {
  from_claimed_content: StringEnum(['OTHER', 'CLAIMED', 'BOTH'] as const, {
    default: 'BOTH',
    description: 'Filter on Pins that match your claimed domain.',
  }),
  pin_format: StringEnum(PIN_FORMATS, {
    default: 'ALL',
    description: 'Pin formats to get data for, default is all. ADS_* are empty: Corkboard has no ads.',
  }),
  ...appTypesQuery,
  content_type: StringEnum(['ALL', 'PAID', 'ORGANIC'] as const, {
    default: 'ALL',
    description: 'Filter to paid or organic data. PAID is empty: Corkboard has no ads.',
  }),
  source: StringEnum(['ALL', ...SOURCES] as const, {
    default: 'ALL',
    description:
      'YOUR_PINS: activity on Pins you created or saved; OTHER_PINS: activity on Pins of others that link to your claimed websites.',
  }),
};

function metricTypesQuery<T extends readonly string[]>(types: T, required: boolean) {
  const array = Type.Array(StringEnum(types), {
    ...(required ? { minItems: 1 } : {}),
    description: `Metric types to get data for (comma-separated or repeated)${required ? '' : ', default is all'}.`,
  });
  return { metric_types: required ? array : Type.Optional(array) };
}

const topPinsQuery = {
  num_of_pins: Type.Integer({
    minimum: 1,
    maximum: TOP_PINS_MAX,
    default: 10,
    description: 'Number of pins to include, default is 10. Max is 50.',
  }),
  created_in_last_n_days: Type.Optional(
    Type.Integer({ enum: [30], description: 'Get metrics for pins created in the last "n" days (only 30).' }),
  ),
};

export const AccountAnalyticsQuery = Type.Object({
  ...dateQuery,
  ...accountFilterQuery,
  ...metricTypesQuery(ACCOUNT_METRIC_TYPES, false),
  split_field: StringEnum(['NO_SPLIT', 'APP_TYPE', 'OWNED_CONTENT', 'SOURCE', 'PIN_FORMAT'] as const, {
    default: 'NO_SPLIT',
    description: "How to split the data into groups. Not including this param means data won't be split.",
  }),
  ...AdAccountQuery.properties,
});

export const TopPinsQuery = Type.Object({
  ...dateQuery,
  sort_by: StringEnum(TOP_PINS_SORT_BY, { description: 'The metric to sort the pins by, largest first.' }),
  ...accountFilterQuery,
  ...metricTypesQuery(ACCOUNT_METRIC_TYPES, false),
  ...topPinsQuery,
  ...AdAccountQuery.properties,
});

export const TopVideoPinsQuery = Type.Object({
  ...dateQuery,
  sort_by: StringEnum(TOP_VIDEO_PINS_SORT_BY, {
    description: 'The video metric to sort the pins by, largest first.',
  }),
  ...accountFilterQuery,
  ...metricTypesQuery(VIDEO_METRIC_TYPES, false),
  ...topPinsQuery,
  ...AdAccountQuery.properties,
});

export const PinAnalyticsQuery = Type.Object({
  ...dateQuery,
  ...appTypesQuery,
  ...metricTypesQuery(PIN_METRIC_TYPES, true),
  split_field: StringEnum(['NO_SPLIT', 'APP_TYPE'] as const, {
    default: 'NO_SPLIT',
    description: "How to split the data into groups. Not including this param means data won't be split.",
  }),
  ...AdAccountQuery.properties,
});

export const MultiPinAnalyticsQuery = Type.Object({
  pin_ids: Type.Array(IdString('A Pin id.'), {
    minItems: 1,
    maxItems: 100,
    description: 'List of 1 to 100 Pin IDs (comma-separated or repeated).',
  }),
  ...dateQuery,
  ...appTypesQuery,
  ...metricTypesQuery(PIN_METRIC_TYPES, true),
  ...AdAccountQuery.properties,
});
