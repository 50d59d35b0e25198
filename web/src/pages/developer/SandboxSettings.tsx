import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ApiError, apiGet, apiSend, messageOf } from '../../api/client';
import { formatTime, type FaultSettings, type SandboxSettings } from '../../api/developer';
import { FormError } from '../../components/AuthCard';
import { Field } from '../../components/Field';
import { ErrorMessage, Loading } from '../../components/States';

const RATES: Array<{ key: 'rate_429' | 'rate_500' | 'rate_503' | 'delay_rate'; label: string }> = [
  { key: 'rate_429', label: '429 Too many requests (%)' },
  { key: 'rate_500', label: '500 Server error (%)' },
  { key: 'rate_503', label: '503 Unavailable (%)' },
  { key: 'delay_rate', label: 'Delayed calls (%)' },
];

/** Fault injection and the call inspector for one app (sandbox mode only). */
export function SandboxSettingsPanel({ appId }: { appId: string }) {
  const settings = useQuery({
    queryKey: ['developer-sandbox', appId],
    queryFn: () => apiGet<SandboxSettings>(`/api/developer/apps/${appId}/sandbox`),
  });
  return (
    <section className="panel" aria-labelledby="sandbox-heading">
      <h2 id="sandbox-heading">Sandbox: faults and call inspector</h2>
      {settings.isPending ? (
        <Loading label="Loading sandbox settings…" />
      ) : settings.isError ? (
        settings.error instanceof ApiError && settings.error.status === 403 ? (
          <p className="muted">{messageOf(settings.error)}</p>
        ) : (
          <ErrorMessage
            title="Could not load the sandbox settings"
            error={settings.error}
            retry={() => void settings.refetch()}
          />
        )
      ) : (
        <SandboxForm appId={appId} initial={settings.data} />
      )}
    </section>
  );
}

const percent = (rate: number) => String(Math.round(rate * 1000) / 10);

function SandboxForm({ appId, initial }: { appId: string; initial: SandboxSettings }) {
  const queryClient = useQueryClient();
  const [faults, setFaults] = useState<FaultSettings>(initial.faults);
  const [rates, setRates] = useState<Record<string, string>>(
    Object.fromEntries(RATES.map(({ key }) => [key, percent(initial.faults[key])])),
  );
  const [delayMs, setDelayMs] = useState(String(initial.faults.delay_ms));
  const [seed, setSeed] = useState(String(initial.faults.seed));
  const [inspector, setInspector] = useState(initial.inspector.enabled);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const save = useMutation({
    mutationFn: (body: unknown) =>
      apiSend<SandboxSettings>('PUT', `/api/developer/apps/${appId}/sandbox`, body),
    onSuccess: (saved) => queryClient.setQueryData(['developer-sandbox', appId], saved),
  });

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const errors: Record<string, string> = {};
    const parsed: Partial<FaultSettings> = {};
    for (const { key } of RATES) {
      const value = Number(rates[key]);
      if (rates[key]?.trim() === '' || !Number.isFinite(value) || value < 0 || value > 100)
        errors[key] = 'A percentage from 0 to 100.';
      else parsed[key] = value / 100;
    }
    const delay = Number(delayMs);
    if (!Number.isInteger(delay) || delay < 0) errors.delay_ms = 'Whole milliseconds, 0 or more.';
    else parsed.delay_ms = delay;
    const seedValue = Number(seed);
    if (!Number.isInteger(seedValue) || seedValue < 0 || seedValue > 4294967295)
      errors.seed = 'A whole number from 0 to 4294967295.';
    else parsed.seed = seedValue;
    setFieldErrors(errors);
    if (Object.keys(errors).length > 0) return;
    save.mutate({
      faults: { ...parsed, enabled: faults.enabled, allow_header: faults.allow_header },
      inspector: { enabled: inspector },
    });
  };

  return (
    <form onSubmit={onSubmit} noValidate>
      <label className="checkbox">
        <input type="checkbox" checked={inspector} onChange={(e) => setInspector(e.target.checked)} />
        Call inspector: keep request and response bodies (secrets redacted)
      </label>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={faults.enabled}
          onChange={(e) => setFaults({ ...faults, enabled: e.target.checked })}
        />
        Inject faults into this app&apos;s calls
      </label>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={faults.allow_header}
          onChange={(e) => setFaults({ ...faults, allow_header: e.target.checked })}
        />
        Let a call ask for a fault with the X-Corkboard-Fault header
      </label>
      <div className="settings-grid">
        {RATES.map(({ key, label }) => (
          <Field
            key={key}
            label={label}
            inputMode="decimal"
            value={rates[key] ?? ''}
            onChange={(e) => setRates({ ...rates, [key]: e.target.value })}
            error={fieldErrors[key]}
          />
        ))}
        <Field
          label="Delay (ms)"
          inputMode="numeric"
          value={delayMs}
          onChange={(e) => setDelayMs(e.target.value)}
          error={fieldErrors.delay_ms}
        />
        <Field
          label="Seed"
          inputMode="numeric"
          value={seed}
          onChange={(e) => setSeed(e.target.value)}
          error={fieldErrors.seed}
        />
      </div>
      <FormError message={save.isError ? `Could not save: ${messageOf(save.error)}` : null} />
      {save.isSuccess && (
        <p className="notice" role="status">
          Saved. The fault sequence starts again from its seed.
        </p>
      )}
      <div className="row">
        <button type="submit" className="button button-primary" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : 'Save sandbox settings'}
        </button>
        <span className="muted">Last saved {formatTime(initial.updated_at)}</span>
      </div>
    </form>
  );
}
