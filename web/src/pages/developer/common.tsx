import { useId, useState } from 'react';
import { STATUS_WORDS, type DeveloperApp } from '../../api/developer';
import './developer.css';

export function StatusBadge({ app }: { app: DeveloperApp }) {
  return <span className={`status status-${app.status.toLowerCase()}`}>{STATUS_WORDS[app.status]}</span>;
}

/** A secret shown once, with a copy button (the clipboard may be refused: then select it by hand). */
export function ShownOnce({ label, value }: { label: string; value: string }) {
  const id = useId();
  return (
    <div className="shown-once">
      <p className="shown-once-label">
        <label htmlFor={id}>
          <strong>{label}</strong>
        </label>{' '}
        — shown only this once. Copy it now and keep it safe.
      </p>
      <div className="copy-row">
        <textarea
          id={id}
          className="secret"
          readOnly
          rows={2}
          value={value}
          onFocus={(event) => event.currentTarget.select()}
        />
        <CopyButton value={value} label={label} />
      </div>
    </div>
  );
}

export function CopyButton({ value, label }: { value: string; label: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setState('copied');
    } catch {
      setState('failed');
    }
  };
  return (
    <>
      <button type="button" className="button" onClick={() => void copy()} aria-label={`Copy ${label}`}>
        Copy
      </button>
      <span role="status" className="muted">
        {state === 'copied'
          ? 'Copied.'
          : state === 'failed'
            ? 'Could not copy: select the text and copy it.'
            : ''}
      </span>
    </>
  );
}
