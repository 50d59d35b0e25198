import type { MetricType } from './metric-types.js';
import type { AccountAnalyticsInput, AccountFilterInput, TopPinsInput } from './query-service.js';

/**
 * The spec's query parameters (snake_case, as the routes' schemas validate them) turned into
 * the query service's input, once for the /v5 operations and the web app's analytics page.
 */
interface AccountFilterQuery {
  start_date: string;
  end_date: string;
  from_claimed_content: AccountFilterInput['fromClaimedContent'];
  pin_format: AccountFilterInput['pinFormat'];
  app_types: AccountFilterInput['appTypes'];
  content_type: AccountFilterInput['contentType'];
  source: AccountFilterInput['source'];
  metric_types?: MetricType[];
}

export function accountAnalyticsInput(
  q: AccountFilterQuery & { split_field: AccountAnalyticsInput['splitField'] },
): AccountAnalyticsInput {
  return {
    startDate: q.start_date,
    endDate: q.end_date,
    fromClaimedContent: q.from_claimed_content,
    pinFormat: q.pin_format,
    appTypes: q.app_types,
    contentType: q.content_type,
    source: q.source,
    metricTypes: q.metric_types,
    splitField: q.split_field,
  };
}

export function topPinsInput(
  q: AccountFilterQuery & { num_of_pins: number; created_in_last_n_days?: number; sort_by: MetricType },
): TopPinsInput {
  return {
    startDate: q.start_date,
    endDate: q.end_date,
    fromClaimedContent: q.from_claimed_content,
    pinFormat: q.pin_format,
    appTypes: q.app_types,
    contentType: q.content_type,
    source: q.source,
    numOfPins: q.num_of_pins,
    createdInLastNDays: q.created_in_last_n_days,
    sortBy: q.sort_by,
    metricTypes: q.metric_types,
  };
}
