import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useLocation, useSearchParams } from 'react-router';
import {
  fetchAccountAnalytics,
  fetchDefinition,
  fetchTopPins,
  formatMetric,
  metricWords,
  type AccountAnalytics,
  type AnalyticsDefinition,
  type MetricDescription,
  type MetricUnit,
  type RangeQuery,
  type TopPin,
} from '../../api/analytics';
import { ApiError } from '../../api/client';
import { LineChart } from '../../components/charts/LineChart';
import { SignedInOnly } from '../../components/SignedInOnly';
import { Field } from '../../components/Field';
import { Empty, ErrorMessage, Loading } from '../../components/States';
import { checkRange, presetOf, presetRange, type RangeRules } from '../../lib/date-range';
import { imagesOf } from '../../lib/images';
import './analytics.css';

const PRESETS = [7, 30, 90] as const;
const DEFAULT_PRESET = 30;
const DEFAULT_METRIC = 'IMPRESSION';

/** A refusal because the account is not a business account (the server's words say so). */
const isNotBusiness = (error: unknown) => error instanceof ApiError && error.status === 403;

export default function Analytics() {
  const location = useLocation();
  return (
    <SignedInOnly
      signedOut={
        <div className="page narrow">
          <h1>Log in to see your analytics</h1>
          <p>
            <Link to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`}>Log in</Link>{' '}
            or <Link to="/signup">sign up</Link>.
          </p>
        </div>
      }
    >
      {(user) => (user.account_type === 'BUSINESS' ? <BusinessAnalytics /> : <NotBusiness />)}
    </SignedInOnly>
  );
}

function NotBusiness({ reason }: { reason?: string }) {
  return (
    <div className="page narrow">
      <h1>Analytics are for business accounts</h1>
      <p>
        A business account sees how its pins do: impressions, saves, clicks, engagement and video views over
        the last 90 days, and its top pins. Converting is free and keeps your pins and boards.
      </p>
      {reason && <p className="muted">{reason}</p>}
      <Link className="button button-primary" to="/business">
        Get a business account
      </Link>
    </div>
  );
}

function BusinessAnalytics() {
  const definition = useQuery({
    queryKey: ['analytics-definition'],
    queryFn: fetchDefinition,
    staleTime: 60_000,
  });
  if (definition.isPending) return <Loading label="Loading analytics…" />;
  if (definition.isError)
    return (
      <div className="page">
        <h1>Analytics</h1>
        <ErrorMessage
          title="Could not load analytics"
          error={definition.error}
          retry={() => void definition.refetch()}
        />
      </div>
    );
  return <Dashboard definition={definition.data} />;
}

const pick = (asked: string | null, choices: readonly string[], preferred: string) =>
  asked && choices.includes(asked)
    ? asked
    : choices.includes(preferred)
      ? preferred
      : (choices[0] ?? preferred);

/** The page's state lives in the address (start, end, metric, split, sort, video_sort): shareable. */
function Dashboard({ definition }: { definition: AnalyticsDefinition }) {
  const rules: RangeRules = {
    today: definition.today,
    maxDaysBack: definition.max_days_back,
    maxRangeDays: definition.max_range_days,
  };
  const [params, setParams] = useSearchParams();
  const fallback = presetRange(DEFAULT_PRESET, rules);
  // A range from the address goes to the server as it is: the server's rules decide.
  const range: RangeQuery = {
    start: params.get('start') ?? fallback.start,
    end: params.get('end') ?? fallback.end,
  };
  const metricTypes = definition.account_metrics.map((m) => m.type);
  const metric = definition.account_metrics.find(
    (m) => m.type === pick(params.get('metric'), metricTypes, DEFAULT_METRIC),
  )!;
  const split = params.get('split') === 'app';
  const sortBy = pick(params.get('sort'), definition.top_pins_sort_by, DEFAULT_METRIC);
  const videoSortBy = pick(params.get('video_sort'), definition.top_video_pins_sort_by, 'VIDEO_MRC_VIEW');

  const update = (changes: Record<string, string | null>) =>
    setParams(
      (previous) => {
        const next = new URLSearchParams(previous);
        for (const [key, value] of Object.entries(changes)) {
          if (value === null) next.delete(key);
          else next.set(key, value);
        }
        return next;
      },
      { replace: true },
    );

  const totals = useQuery({
    queryKey: ['analytics', 'account', range.start, range.end],
    queryFn: () => fetchAccountAnalytics(range),
    placeholderData: keepPreviousData,
  });

  if (totals.isError && isNotBusiness(totals.error)) return <NotBusiness reason={totals.error.message} />;

  return (
    <div className="page analytics">
      <h1>Analytics</h1>
      <p className="lead">
        How your pins did, day by day (UTC). Up to {rules.maxDaysBack} days back, at most {rules.maxRangeDays}{' '}
        days at a time.
      </p>
      {/* Keyed by the range: a new range starts a fresh draft. */}
      <RangePicker
        key={`${range.start}|${range.end}`}
        range={range}
        rules={rules}
        onChange={(r) => update({ start: r.start, end: r.end })}
      />

      {totals.isPending ? (
        <Loading label="Loading your numbers…" />
      ) : totals.isError ? (
        <ErrorMessage
          title="Could not load analytics"
          error={totals.error}
          retry={() => void totals.refetch()}
        />
      ) : (
        <div aria-busy={totals.isFetching} className={totals.isPlaceholderData ? 'stale' : undefined}>
          <SummaryTiles
            metrics={definition.account_metrics}
            summary={totals.data.all?.summary_metrics ?? {}}
            selected={metric.type}
            onSelect={(type) => update({ metric: type })}
          />
          <DailyChart
            definition={definition}
            range={range}
            metric={metric}
            split={split}
            unsplit={totals.data}
            onMetric={(type) => update({ metric: type })}
            onSplit={(on) => update({ split: on ? 'app' : null })}
          />
        </div>
      )}

      <TopPinsSection
        kind="top_pins"
        title="Top pins"
        range={range}
        sortBy={sortBy}
        sortChoices={definition.top_pins_sort_by}
        metrics={definition.account_metrics}
        onSort={(value) => update({ sort: value })}
        enabled={!totals.isError}
      />
      <TopPinsSection
        kind="top_video_pins"
        title="Top video pins"
        range={range}
        sortBy={videoSortBy}
        sortChoices={definition.top_video_pins_sort_by}
        metrics={definition.video_metrics}
        onSort={(value) => update({ video_sort: value })}
        enabled={!totals.isError}
      />
    </div>
  );
}

function RangePicker({
  range,
  rules,
  onChange,
}: {
  range: RangeQuery;
  rules: RangeRules;
  onChange: (range: RangeQuery) => void;
}) {
  const [draft, setDraft] = useState(range);
  const [touched, setTouched] = useState(false);
  const problem = checkRange(draft.start, draft.end, rules);
  const shown = touched ? problem : null;
  const preset = presetOf(range, PRESETS, rules);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (!problem) onChange(draft);
  };
  const change = (field: 'start' | 'end', value: string) => {
    setTouched(true);
    setDraft((d) => ({ ...d, [field]: value }));
  };

  return (
    <section className="range-picker" aria-label="Date range">
      <div className="chips" role="group" aria-label="Preset ranges">
        {PRESETS.map((days) => (
          <button
            key={days}
            type="button"
            className="chip"
            aria-pressed={preset === days}
            onClick={() => onChange(presetRange(days, rules))}
          >
            Last {days} days
          </button>
        ))}
      </div>
      <form className="range-form" onSubmit={onSubmit} noValidate>
        <Field
          label="Start date"
          type="date"
          value={draft.start}
          onChange={(e) => change('start', e.target.value)}
          error={shown?.field === 'start_date' ? shown.message : null}
        />
        <Field
          label="End date"
          type="date"
          value={draft.end}
          onChange={(e) => change('end', e.target.value)}
          error={shown?.field === 'end_date' ? shown.message : null}
        />
        <button type="submit" className="button">
          Apply dates
        </button>
      </form>
      <p className="muted range-now" aria-live="polite">
        Showing {range.start} to {range.end}
        {preset ? ` (last ${preset} days)` : ''}.
      </p>
    </section>
  );
}

function SummaryTiles({
  metrics,
  summary,
  selected,
  onSelect,
}: {
  metrics: MetricDescription[];
  summary: Record<string, number>;
  selected: string;
  onSelect: (type: string) => void;
}) {
  return (
    <section aria-labelledby="summary-heading">
      <h2 id="summary-heading">Totals</h2>
      <ul className="metric-tiles">
        {metrics.map((m) => (
          <li key={m.type}>
            <button
              type="button"
              className="metric-tile"
              aria-pressed={selected === m.type}
              data-metric={m.type}
              onClick={() => onSelect(m.type)}
            >
              <span className="metric-tile-label">{metricWords(m.type)}</span>
              <span className="metric-tile-value">{formatMetric(summary[m.type] ?? 0, m.unit)}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Days with data (not PROCESSING: those are after today). */
const plottable = (group: AccountAnalytics[string] | undefined) =>
  (group?.daily_metrics ?? []).filter((day) => day.data_status !== 'PROCESSING');

function DailyChart({
  definition,
  range,
  metric,
  split,
  unsplit,
  onMetric,
  onSplit,
}: {
  definition: AnalyticsDefinition;
  range: RangeQuery;
  metric: MetricDescription;
  split: boolean;
  unsplit: AccountAnalytics;
  onMetric: (type: string) => void;
  onSplit: (on: boolean) => void;
}) {
  const byApp = useQuery({
    queryKey: ['analytics', 'account-by-app', range.start, range.end, metric.type],
    queryFn: () => fetchAccountAnalytics(range, { split: 'APP_TYPE', metricTypes: [metric.type] }),
    enabled: split,
    placeholderData: keepPreviousData,
  });
  const words = metricWords(metric.type);
  const format = (value: number) => formatMetric(value, metric.unit);
  const days = plottable(unsplit.all);
  const hasData =
    days.length > 0 && Object.values(unsplit.all?.summary_metrics ?? {}).some((value) => value > 0);

  let chart;
  if (!hasData) {
    chart = (
      <Empty>
        <p>
          <strong>No data yet</strong> for {range.start} to {range.end}.
        </p>
        <p className="muted">Numbers appear here as people see, save and click your pins.</p>
      </Empty>
    );
  } else if (!split) {
    chart = (
      <LineChart
        label={`${words} per day, ${range.start} to ${range.end}`}
        dates={days.map((d) => d.date)}
        series={[{ name: words, values: days.map((d) => d.metrics[metric.type] ?? 0) }]}
        format={format}
      />
    );
  } else if (byApp.isPending) {
    chart = <Loading label="Loading the split by app type…" />;
  } else if (byApp.isError) {
    chart = (
      <ErrorMessage
        title="Could not split by app type"
        error={byApp.error}
        retry={() => void byApp.refetch()}
      />
    );
  } else {
    const groups = definition.app_types.filter((app) => byApp.data[app]);
    const appDays = plottable(byApp.data[groups[0] ?? '']);
    chart = (
      <LineChart
        label={`${words} per day by app type, ${range.start} to ${range.end}`}
        dates={appDays.map((d) => d.date)}
        series={groups.map((app) => ({
          name: app,
          values: plottable(byApp.data[app]).map((d) => d.metrics[metric.type] ?? 0),
        }))}
        format={format}
      />
    );
  }

  return (
    <section aria-labelledby="chart-heading" className="analytics-card">
      <div className="card-head">
        <h2 id="chart-heading">{words} per day</h2>
        <div className="card-controls">
          <label className="inline-select">
            <span>Metric</span>
            <select value={metric.type} onChange={(e) => onMetric(e.target.value)}>
              {definition.account_metrics.map((m) => (
                <option key={m.type} value={m.type}>
                  {metricWords(m.type)}
                </option>
              ))}
            </select>
          </label>
          <div className="chips" role="group" aria-label="Apps">
            <button type="button" className="chip" aria-pressed={!split} onClick={() => onSplit(false)}>
              All apps
            </button>
            <button type="button" className="chip" aria-pressed={split} onClick={() => onSplit(true)}>
              By app type
            </button>
          </div>
        </div>
      </div>
      {split && byApp.data && hasData && (
        <ul className="split-totals" aria-label={`${words} by app type`}>
          {definition.app_types
            .filter((app) => byApp.data[app])
            .map((app) => (
              <li key={app}>
                <strong>{app}</strong> {format(byApp.data[app]!.summary_metrics[metric.type] ?? 0)}
              </li>
            ))}
        </ul>
      )}
      {chart}
    </section>
  );
}

/** A small square image of the pin: the smallest size of at least 150 px, else any. */
function thumbnailOf(pin: TopPin['pin']): string | null {
  if (!pin) return null;
  const sizes = Object.values(imagesOf(pin.media)).sort((a, b) => a.width - b.width);
  return (sizes.find((image) => image.width >= 150) ?? sizes[sizes.length - 1])?.url ?? null;
}

function TopPinsSection({
  kind,
  title,
  range,
  sortBy,
  sortChoices,
  metrics,
  onSort,
  enabled,
}: {
  kind: 'top_pins' | 'top_video_pins';
  title: string;
  range: RangeQuery;
  sortBy: string;
  sortChoices: string[];
  metrics: MetricDescription[];
  onSort: (value: string) => void;
  enabled: boolean;
}) {
  const top = useQuery({
    queryKey: ['analytics', kind, range.start, range.end, sortBy],
    queryFn: () => fetchTopPins(kind, range, sortBy),
    placeholderData: keepPreviousData,
    enabled,
  });
  const units = new Map<string, MetricUnit>(metrics.map((m) => [m.type, m.unit]));
  const headingId = `${kind}-heading`;
  return (
    <section aria-labelledby={headingId} className="analytics-card">
      <div className="card-head">
        <h2 id={headingId}>{title}</h2>
        <label className="inline-select">
          <span>Sort by</span>
          <select value={sortBy} onChange={(e) => onSort(e.target.value)}>
            {sortChoices.map((choice) => (
              <option key={choice} value={choice}>
                {metricWords(choice)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {!enabled ? null : top.isPending ? (
        <Loading label={`Loading ${title.toLowerCase()}…`} />
      ) : top.isError ? (
        <ErrorMessage
          title={`Could not load ${title.toLowerCase()}`}
          error={top.error}
          retry={() => void top.refetch()}
        />
      ) : top.data.pins.length === 0 ? (
        <Empty>
          <p>
            <strong>No data yet</strong>: none of your {kind === 'top_video_pins' ? 'video pins' : 'pins'} had
            activity in these dates.
          </p>
        </Empty>
      ) : (
        <ol className="top-pins" aria-busy={top.isFetching} aria-label={`${title} by ${metricWords(sortBy)}`}>
          {top.data.pins.map((entry) => {
            const thumbnail = thumbnailOf(entry.pin);
            const name = entry.pin?.title || `Pin ${entry.pin_id}`;
            return (
              <li key={entry.pin_id} className="top-pin" data-pin-id={entry.pin_id}>
                <span
                  className="top-pin-thumb"
                  style={{ background: entry.pin?.dominant_color ?? undefined }}
                  aria-hidden="true"
                >
                  {thumbnail && <img src={thumbnail} alt="" width={72} height={72} loading="lazy" />}
                </span>
                <div className="top-pin-body">
                  {entry.pin ? (
                    <Link to={`/pin/${entry.pin_id}`}>{name}</Link>
                  ) : (
                    <span>{name} (no longer shown)</span>
                  )}
                  <dl className="top-pin-metrics">
                    {Object.entries(entry.metrics).map(([type, value]) => (
                      <div key={type} className={type === sortBy ? 'sorted' : undefined}>
                        <dt>{metricWords(type)}</dt>
                        <dd>{formatMetric(value, units.get(type) ?? 'count')}</dd>
                      </div>
                    ))}
                  </dl>
                </div>
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
