import { useEffect, useId, useRef } from 'react';
import {
  groupScopes,
  groupState,
  toggleGroup,
  toggleScope,
  type ScopeGroup,
  type ScopeInfo,
} from '../lib/scopes';
import './ScopePicker.css';

interface ScopePickerProps {
  legend: string;
  /** The scopes on offer, with their words (from the server). */
  scopes: readonly ScopeInfo[];
  selected: readonly string[];
  onChange: (selected: string[]) => void;
  /** What each box is labelled with: the scope's name (developers) or its words (consent). */
  labelBy?: 'name' | 'description';
  error?: string | null;
}

/**
 * Scope checkboxes grouped into read, write and secret, with a box for a whole group; a secret
 * scope brings its read scope along (web/src/lib/scopes.ts). Generate token and the OAuth
 * consent page both use it.
 */
export function ScopePicker({
  legend,
  scopes,
  selected,
  onChange,
  labelBy = 'name',
  error,
}: ScopePickerProps) {
  const id = useId();
  const available = scopes.map((s) => s.scope);
  const groups = groupScopes(scopes);
  return (
    <fieldset className="scope-picker" aria-describedby={error ? `${id}-error` : undefined}>
      <legend>{legend}</legend>
      {groups.map((group) => (
        <GroupBox
          key={group.key}
          group={group}
          selected={selected}
          labelBy={labelBy}
          onToggleAll={(on) => onChange(toggleGroup(selected, group, on, available))}
          onToggle={(scope, on) => onChange(toggleScope(selected, scope, on, available))}
        />
      ))}
      {error && (
        <p id={`${id}-error`} className="field-error" role="alert">
          {error}
        </p>
      )}
    </fieldset>
  );
}

function GroupBox({
  group,
  selected,
  labelBy,
  onToggleAll,
  onToggle,
}: {
  group: ScopeGroup;
  selected: readonly string[];
  labelBy: 'name' | 'description';
  onToggleAll: (on: boolean) => void;
  onToggle: (scope: string, on: boolean) => void;
}) {
  const id = useId();
  const state = groupState(selected, group);
  const allBox = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (allBox.current) allBox.current.indeterminate = state === 'some';
  }, [state]);
  return (
    <fieldset className="scope-group">
      <legend>{group.label}</legend>
      {group.key === 'secret' && (
        <p className="scope-note">Each secret scope also gives the matching read scope.</p>
      )}
      {group.scopes.length > 1 && (
        <label className="checkbox scope-all">
          <input
            ref={allBox}
            type="checkbox"
            checked={state === 'all'}
            onChange={(event) => onToggleAll(event.target.checked)}
          />
          All {group.label.toLowerCase()} scopes
        </label>
      )}
      <ul className="scope-options">
        {group.scopes.map(({ scope, description }, index) => (
          <li key={scope}>
            <label className="checkbox">
              <input
                type="checkbox"
                checked={selected.includes(scope)}
                onChange={(event) => onToggle(scope, event.target.checked)}
                aria-describedby={`${id}-${index}`}
              />
              {labelBy === 'name' ? <code>{scope}</code> : <span>{description}</span>}
            </label>
            <span id={`${id}-${index}`} className="scope-hint">
              {labelBy === 'name' ? description : <code>{scope}</code>}
            </span>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}
