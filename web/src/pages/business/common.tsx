import { useId, type ReactNode, type SelectHTMLAttributes } from 'react';

/** A labelled select with its error right below it, like `Field`. */
export function SelectField({
  label,
  error,
  hint,
  children,
  ...select
}: {
  label: string;
  error?: string | null;
  hint?: ReactNode;
  children: ReactNode;
} & SelectHTMLAttributes<HTMLSelectElement>) {
  const id = useId();
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ');
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy || undefined}
        {...select}
      >
        {children}
      </select>
      {hint && (
        <p id={`${id}-hint`} className="field-hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/** A group of checkboxes or radio buttons with a legend, and its error below it. */
export function ChoiceGroup({
  legend,
  type,
  name,
  choices,
  selected,
  onChange,
  error,
  hint,
}: {
  legend: string;
  type: 'checkbox' | 'radio';
  name: string;
  choices: Array<{ value: string; label: string }>;
  selected: readonly string[];
  onChange: (value: string, checked: boolean) => void;
  error?: string | null;
  hint?: ReactNode;
}) {
  const id = useId();
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ');
  return (
    <fieldset
      className={`choice-group${error ? ' field-invalid' : ''}`}
      aria-describedby={describedBy || undefined}
    >
      <legend className="label">{legend}</legend>
      {hint && (
        <p id={`${id}-hint`} className="field-hint">
          {hint}
        </p>
      )}
      <div className="choice-options">
        {choices.map((choice) => (
          <label key={choice.value} className="choice">
            <input
              type={type}
              name={name}
              value={choice.value}
              checked={selected.includes(choice.value)}
              onChange={(event) => onChange(choice.value, event.target.checked)}
            />
            <span>{choice.label}</span>
          </label>
        ))}
      </div>
      {error && (
        <p id={`${id}-error`} className="field-error" role="alert">
          {error}
        </p>
      )}
    </fieldset>
  );
}

/** Reads a picked file as a data: URL (what PUT /api/business/profile/picture accepts). */
export function readAsDataUrl(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(new Error('Could not read the file.'));
    reader.readAsDataURL(file);
  });
}
