import { useId, type InputHTMLAttributes, type ReactNode, type TextareaHTMLAttributes } from 'react';

interface FieldFrameProps {
  label: string;
  error?: string | null;
  hint?: ReactNode;
  /** Characters typed and allowed: shows a counter and an error past the limit. */
  count?: { length: number; max: number };
}

/** A labelled input with its error right below it, announced and linked for screen readers. */
export function Field({
  label,
  error,
  hint,
  count,
  multiline,
  ...input
}: FieldFrameProps &
  (
    | ({ multiline?: false } & InputHTMLAttributes<HTMLInputElement>)
    | ({ multiline: true } & TextareaHTMLAttributes<HTMLTextAreaElement>)
  )) {
  const id = useId();
  const over = count ? count.length > count.max : false;
  const shownError =
    error ?? (over && count ? `At most ${count.max} characters (${count.length} now).` : null);
  const describedBy = [
    hint ? `${id}-hint` : null,
    shownError ? `${id}-error` : null,
    count ? `${id}-count` : null,
  ]
    .filter(Boolean)
    .join(' ');
  const common = {
    id,
    'aria-invalid': shownError ? true : undefined,
    'aria-describedby': describedBy || undefined,
  };
  return (
    <div className={`field${shownError ? ' field-invalid' : ''}`}>
      <div className="field-label-row">
        <label htmlFor={id}>{label}</label>
        {count && (
          <span id={`${id}-count`} className={`field-count${over ? ' over' : ''}`}>
            {count.length}/{count.max}
          </span>
        )}
      </div>
      {multiline ? (
        <textarea {...common} {...(input as TextareaHTMLAttributes<HTMLTextAreaElement>)} />
      ) : (
        <input {...common} {...(input as InputHTMLAttributes<HTMLInputElement>)} />
      )}
      {hint && (
        <p id={`${id}-hint`} className="field-hint">
          {hint}
        </p>
      )}
      {shownError && (
        <p id={`${id}-error`} className="field-error" role="alert">
          {shownError}
        </p>
      )}
    </div>
  );
}

/** Characters as the server counts them (code points, so an emoji is one). */
export function charCount(value: string): number {
  return [...value].length;
}
