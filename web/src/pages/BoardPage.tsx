import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useLimits, useMe } from '../api/auth';
import { useSections } from '../api/boards';
import { ApiError, apiGet, apiSend, messageOf } from '../api/client';
import type { Board, BoardSection } from '../api/types';
import { FormError } from '../components/AuthCard';
import { ConfirmDeleteDialog } from '../components/ConfirmDeleteDialog';
import { Dialog } from '../components/Dialog';
import { charCount, Field } from '../components/Field';
import { PinFeed } from '../components/PinFeed';
import { ErrorMessage, Loading } from '../components/States';
import { splitError, type SplitError } from '../lib/form';

export default function BoardPage() {
  const { boardId = '' } = useParams();
  const board = useQuery({
    queryKey: ['board', boardId],
    queryFn: () => apiGet<Board>(`/api/boards/${boardId}`),
  });
  if (board.isPending) return <Loading label="Loading board…" />;
  if (board.isError) {
    const missing = board.error instanceof ApiError && board.error.status === 404;
    return (
      <div className="page narrow">
        <h1>{missing ? 'Board not found' : 'Could not load this board'}</h1>
        <ErrorMessage error={board.error} retry={missing ? undefined : () => void board.refetch()} />
        <Link to="/">Go home</Link>
      </div>
    );
  }
  return <BoardView board={board.data} />;
}

function BoardView({ board }: { board: Board }) {
  const me = useMe().data;
  const isOwner = me?.username === board.owner.username;
  const sections = useSections(board.id);
  const [section, setSection] = useState<BoardSection | null>(null);
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);

  return (
    <div className="page wide">
      <header className="board-header">
        <h1>{board.name}</h1>
        {board.privacy === 'SECRET' && (
          <p className="badge">
            <span aria-hidden="true">🔒</span> Secret
            <span className="visually-hidden">: only you can see this board</span>
          </p>
        )}
        {board.description && <p className="board-description">{board.description}</p>}
        <p className="muted">
          <Link to={`/user/${encodeURIComponent(board.owner.username)}`}>{board.owner.username}</Link> ·{' '}
          {board.pin_count === 1 ? '1 pin' : `${board.pin_count} pins`}
        </p>
        {isOwner && (
          <div className="row center">
            <Link className="button button-primary" to={`/create?board=${board.id}`}>
              Add a pin
            </Link>
            <button type="button" className="button" onClick={() => setEditing(true)}>
              Edit board
            </button>
            <button type="button" className="button button-danger" onClick={() => setDeleting(true)}>
              Delete board
            </button>
          </div>
        )}
      </header>

      <nav aria-label="Sections" className="section-nav">
        {sections.isError && <p role="alert">Could not load the sections: {messageOf(sections.error)}</p>}
        {(sections.data?.items.length ?? 0) > 0 && (
          <ul className="chips">
            <li>
              <button
                type="button"
                className="chip"
                aria-pressed={section === null}
                onClick={() => setSection(null)}
              >
                All pins
              </button>
            </li>
            {sections.data!.items.map((s) => (
              <li key={s.id}>
                <button
                  type="button"
                  className="chip"
                  aria-pressed={section?.id === s.id}
                  onClick={() => setSection(s)}
                >
                  {s.name}
                </button>
              </li>
            ))}
          </ul>
        )}
        {isOwner && <AddSection boardId={board.id} />}
      </nav>

      <h2 className="visually-hidden">{section ? `Pins in ${section.name}` : 'Pins'}</h2>
      <PinFeed
        key={section?.id ?? 'all'}
        path={
          section ? `/api/boards/${board.id}/sections/${section.id}/pins` : `/api/boards/${board.id}/pins`
        }
        queryKey={['board-pins', board.id, section?.id ?? 'all']}
        label={section ? `Pins in ${section.name}` : `Pins on ${board.name}`}
        empty={
          isOwner ? (
            <>
              <p>Nothing here yet.</p>
              <Link className="button button-primary" to={`/create?board=${board.id}`}>
                Add a pin
              </Link>
            </>
          ) : (
            <p>Nothing here yet.</p>
          )
        }
      />
      {isOwner && <EditBoardDialog board={board} open={editing} onClose={() => setEditing(false)} />}
      {isOwner && <DeleteBoardDialog board={board} open={deleting} onClose={() => setDeleting(false)} />}
    </div>
  );
}

function AddSection({ boardId }: { boardId: string }) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const queryClient = useQueryClient();
  const create = useMutation({
    mutationFn: () => apiSend<BoardSection>('POST', `/api/boards/${boardId}/sections`, { name: name.trim() }),
    onSuccess: () => {
      setName('');
      setOpen(false);
      void queryClient.invalidateQueries({ queryKey: ['sections', boardId] });
    },
  });
  if (!open)
    return (
      <button type="button" className="button" onClick={() => setOpen(true)}>
        + Add section
      </button>
    );
  return (
    <form
      className="inline-form"
      onSubmit={(event) => {
        event.preventDefault();
        create.mutate();
      }}
      noValidate
    >
      <Field
        label="Section name"
        value={name}
        onChange={(event) => setName(event.target.value)}
        error={create.isError ? messageOf(create.error) : null}
      />
      <div className="row">
        <button type="submit" className="button button-primary" disabled={create.isPending || !name.trim()}>
          Add
        </button>
        <button type="button" className="button" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}

type BoardField = 'name' | 'description';

function EditBoardDialog({ board, open, onClose }: { board: Board; open: boolean; onClose: () => void }) {
  const limits = useLimits().data;
  const queryClient = useQueryClient();
  const [name, setName] = useState(board.name);
  const [description, setDescription] = useState(board.description ?? '');
  const [secret, setSecret] = useState(board.privacy === 'SECRET');
  const [errors, setErrors] = useState<SplitError<BoardField>>({ fields: {}, form: null });
  const update = useMutation({
    mutationFn: () =>
      apiSend<Board>('PATCH', `/api/boards/${board.id}`, {
        name: name.trim(),
        description: description || null,
        privacy: secret ? 'SECRET' : 'PUBLIC',
      }),
    onSuccess: (updated) => {
      queryClient.setQueryData(['board', board.id], updated);
      void queryClient.invalidateQueries({ queryKey: ['my-boards'] });
      onClose();
    },
    onError: (failure) => setErrors(splitError(failure, ['name', 'description'] as const)),
  });
  const over =
    limits && (charCount(name) > limits.board.name || charCount(description) > limits.board.description);
  return (
    <Dialog open={open} title="Edit board" onClose={onClose}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!name.trim()) {
            setErrors({ fields: { name: 'Give the board a name.' }, form: null });
            return;
          }
          setErrors({ fields: {}, form: null });
          update.mutate();
        }}
        noValidate
      >
        <Field
          label="Name"
          value={name}
          onChange={(event) => setName(event.target.value)}
          error={errors.fields.name}
          count={limits ? { length: charCount(name), max: limits.board.name } : undefined}
        />
        <Field
          label="Description"
          multiline
          value={description}
          onChange={(event) => setDescription(event.target.value)}
          error={errors.fields.description}
          count={limits ? { length: charCount(description), max: limits.board.description } : undefined}
        />
        <label className="checkbox">
          <input type="checkbox" checked={secret} onChange={(event) => setSecret(event.target.checked)} />
          Keep this board secret (only you can see it)
        </label>
        <FormError message={errors.form} />
        <button
          type="submit"
          className="button button-primary button-wide"
          disabled={update.isPending || !!over}
        >
          {update.isPending ? 'Saving…' : 'Save changes'}
        </button>
      </form>
    </Dialog>
  );
}

function DeleteBoardDialog({ board, open, onClose }: { board: Board; open: boolean; onClose: () => void }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  return (
    <ConfirmDeleteDialog
      open={open}
      onClose={onClose}
      title={`Delete “${board.name}”?`}
      noun="board"
      path={`/api/boards/${board.id}`}
      onDeleted={async () => {
        queryClient.removeQueries({ queryKey: ['board', board.id] });
        void queryClient.invalidateQueries({ queryKey: ['my-boards'] });
        void queryClient.invalidateQueries({ queryKey: ['feed'] });
        await navigate(`/user/${encodeURIComponent(board.owner.username)}`);
      }}
    >
      <p>
        The board, its sections and its {board.pin_count === 1 ? 'pin' : `${board.pin_count} pins`} go for
        good. This cannot be undone.
      </p>
    </ConfirmDeleteDialog>
  );
}
