import { useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useLimits } from '../api/auth';
import { useMyBoards } from '../api/boards';
import { apiSend } from '../api/client';
import type { Board } from '../api/types';
import { splitError } from '../lib/form';
import { charCount, Field } from './Field';
import { ErrorMessage, Loading } from './States';

/**
 * Choose one of your boards, or make a new one on the spot. While a new board is being made,
 * `onCreatingBoard(true)`: the form around the picker must not submit until the board exists
 * and is chosen (`onChange` with its id comes first, then `onCreatingBoard(false)`), or a Save
 * clicked meanwhile would go to no board at all.
 */
export function BoardPicker({
  value,
  onChange,
  onCreatingBoard,
  error,
}: {
  value: string;
  onChange: (boardId: string) => void;
  onCreatingBoard?: (creating: boolean) => void;
  error?: string | null;
}) {
  const boards = useMyBoards();
  const queryClient = useQueryClient();
  const limits = useLimits().data;
  const selectId = useId();
  const [creating, setCreating] = useState(false);
  const [name, setName] = useState('');
  const [secret, setSecret] = useState(false);
  const [createError, setCreateError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const create = async (event?: { preventDefault(): void }) => {
    event?.preventDefault();
    if (!name.trim()) {
      setCreateError('Give the board a name.');
      return;
    }
    setBusy(true);
    onCreatingBoard?.(true);
    setCreateError(null);
    try {
      const board = await apiSend<Board>('POST', '/api/boards', {
        name: name.trim(),
        privacy: secret ? 'SECRET' : 'PUBLIC',
      });
      queryClient.setQueryData<Board[]>(['my-boards'], (current) => [board, ...(current ?? [])]);
      // A list fetch that started before the board existed would answer without it: ask again.
      void queryClient.invalidateQueries({ queryKey: ['my-boards'] });
      onChange(board.id);
      setCreating(false);
      setName('');
      setSecret(false);
    } catch (failure) {
      setCreateError(splitError(failure, ['name'] as const).fields.name ?? splitError(failure, []).form);
    } finally {
      setBusy(false);
      onCreatingBoard?.(false);
    }
  };

  if (boards.isPending) return <Loading label="Loading your boards…" />;
  if (boards.isError)
    return (
      <ErrorMessage
        title="Could not load your boards."
        error={boards.error}
        retry={() => void boards.refetch()}
      />
    );
  return (
    <div className="board-picker">
      {boards.data.length > 0 && (
        <div className={`field${error ? ' field-invalid' : ''}`}>
          <label htmlFor={selectId}>Board</label>
          <select
            id={selectId}
            value={value}
            onChange={(event) => onChange(event.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${selectId}-error` : undefined}
          >
            <option value="">Choose a board</option>
            {boards.data.map((board) => (
              <option key={board.id} value={board.id}>
                {board.name}
                {board.privacy === 'SECRET' ? ' (secret)' : ''}
              </option>
            ))}
          </select>
          {error && (
            <p id={`${selectId}-error`} className="field-error" role="alert">
              {error}
            </p>
          )}
        </div>
      )}
      {boards.data.length === 0 && !creating && <p className="muted">You have no boards yet.</p>}
      {creating ? (
        <div className="inline-create" role="group" aria-label="Create board">
          <Field
            label="New board name"
            value={name}
            onChange={(event) => setName(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === 'Enter') void create(event);
            }}
            error={createError}
            count={limits ? { length: charCount(name), max: limits.board.name } : undefined}
          />
          <label className="checkbox">
            <input type="checkbox" checked={secret} onChange={(event) => setSecret(event.target.checked)} />
            Keep this board secret
          </label>
          <div className="row">
            <button
              type="button"
              className="button button-primary"
              disabled={busy}
              onClick={() => void create()}
            >
              {busy ? 'Creating…' : 'Create board'}
            </button>
            <button type="button" className="button" onClick={() => setCreating(false)}>
              Cancel
            </button>
          </div>
        </div>
      ) : (
        <button type="button" className="button" onClick={() => setCreating(true)}>
          + Create board
        </button>
      )}
    </div>
  );
}
