import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useLimits, useMe } from '../api/auth';
import { ApiError, apiGet, apiSend, messageOf } from '../api/client';
import { formatDuration, videoOf } from '../api/media';
import type { Board, Pin } from '../api/types';
import { BoardPicker } from '../components/BoardPicker';
import { ConfirmDeleteDialog } from '../components/ConfirmDeleteDialog';
import { Dialog } from '../components/Dialog';
import { charCount, Field } from '../components/Field';
import { ErrorMessage, Loading } from '../components/States';
import { FormError } from '../components/AuthCard';
import { VideoPlayer } from '../components/VideoPlayer';
import { splitError, type SplitError } from '../lib/form';
import { imagesOf, placeholderColor, responsiveImage } from '../lib/images';

export default function PinPage() {
  const { pinId = '' } = useParams();
  const pin = useQuery({ queryKey: ['pin', pinId], queryFn: () => apiGet<Pin>(`/api/pins/${pinId}`) });
  const board = useQuery({
    queryKey: ['board', pin.data?.board_id],
    enabled: !!pin.data,
    queryFn: () => apiGet<Board>(`/api/boards/${pin.data!.board_id}`),
  });

  if (pin.isPending) return <Loading label="Loading pin…" />;
  if (pin.isError) {
    const missing = pin.error instanceof ApiError && pin.error.status === 404;
    return (
      <div className="page narrow">
        <h1>{missing ? 'Pin not found' : 'Could not load this pin'}</h1>
        <ErrorMessage error={pin.error} retry={missing ? undefined : () => void pin.refetch()} />
        <Link to="/">Go home</Link>
      </div>
    );
  }
  return <PinDetails pin={pin.data} board={board.data ?? null} boardError={board.error} />;
}

function PinDetails({ pin, board, boardError }: { pin: Pin; board: Board | null; boardError: unknown }) {
  const me = useMe().data;
  const [editing, setEditing] = useState(false);
  const [saving, setSaving] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const title = pin.title || 'Untitled pin';

  return (
    <div className="page">
      <article className="pin-detail">
        <PinImage pin={pin} />
        <div className="pin-detail-body">
          <div className="row pin-actions">
            {pin.link && (
              <a className="button" href={`/r/${pin.id}`} target="_blank" rel="noopener noreferrer nofollow">
                Visit {hostOf(pin.link)}
              </a>
            )}
            {me ? (
              <button type="button" className="button button-primary" onClick={() => setSaving(true)}>
                Save
              </button>
            ) : (
              <Link
                className="button button-primary"
                to={`/login?next=${encodeURIComponent(`/pin/${pin.id}`)}`}
              >
                Log in to save
              </Link>
            )}
          </div>
          <h1 className="pin-title">{title}</h1>
          {pin.description && <p className="pin-description">{pin.description}</p>}
          <dl className="pin-meta">
            <dt>By</dt>
            <dd>
              <Link to={`/user/${encodeURIComponent(pin.board_owner.username)}`}>
                {pin.board_owner.username}
              </Link>
            </dd>
            <dt>Board</dt>
            <dd>
              {board ? (
                <Link to={`/board/${board.id}`}>{board.name}</Link>
              ) : boardError ? (
                <span className="muted">{messageOf(boardError)}</span>
              ) : (
                <span className="muted">Loading…</span>
              )}
            </dd>
          </dl>
          {pin.is_owner && (
            <div className="row">
              <button type="button" className="button" onClick={() => setEditing(true)}>
                Edit pin
              </button>
              <button type="button" className="button button-danger" onClick={() => setDeleting(true)}>
                Delete pin
              </button>
            </div>
          )}
        </div>
      </article>
      <SaveDialog pin={pin} open={saving} onClose={() => setSaving(false)} />
      {pin.is_owner && <EditDialog pin={pin} open={editing} onClose={() => setEditing(false)} />}
      {pin.is_owner && <DeleteDialog pin={pin} open={deleting} onClose={() => setDeleting(false)} />}
    </div>
  );
}

function PinImage({ pin }: { pin: Pin }) {
  const video = videoOf(pin);
  if (video) {
    const large = video.images['1200x'] ?? Object.values(video.images)[0];
    return (
      <div className="pin-detail-media">
        <div
          className="pin-detail-image pin-detail-video"
          style={{
            backgroundColor: placeholderColor(pin),
            aspectRatio: video.width && video.height ? `${video.width} / ${video.height}` : undefined,
          }}
        >
          <VideoPlayer
            pinId={pin.id}
            video={video}
            label={`Video: ${pin.alt_text ?? pin.title ?? 'untitled pin'} (${formatDuration(video.duration)})`}
            poster={video.cover_image_url ?? large?.url ?? null}
          />
        </div>
      </div>
    );
  }
  const carousel = pin.media.items ?? [];
  if (carousel.length > 1) return <Carousel pin={pin} items={carousel} />;
  return (
    <div className="pin-detail-media">
      <PinPicture pin={pin} />
    </div>
  );
}

/** One image of a pin, at the size the screen needs, on its dominant colour. */
function PinPicture({ pin, alt }: { pin: Pin; alt?: string }) {
  const large = imagesOf(pin.media)['1200x'] ?? Object.values(imagesOf(pin.media))[0];
  const image = responsiveImage(pin, 600);
  return (
    <div
      className="pin-detail-image"
      style={{
        backgroundColor: placeholderColor(pin),
        aspectRatio: large ? `${large.width} / ${large.height}` : undefined,
      }}
    >
      {image && (
        <img
          src={image.src}
          srcSet={image.srcSet || undefined}
          sizes="(max-width: 700px) 100vw, 600px"
          alt={alt ?? pin.alt_text ?? pin.title ?? ''}
          width={large?.width}
          height={large?.height}
        />
      )}
    </div>
  );
}

/**
 * A carousel pin: one image at a time, Previous and Next buttons (and the arrow keys on the
 * carousel), and a live "Image 2 of 4" for screen readers, as the WAI carousel pattern has it.
 */
function Carousel({ pin, items }: { pin: Pin; items: NonNullable<Pin['media']['items']> }) {
  const [index, setIndex] = useState(0);
  const item = items[index]!;
  const shown: Pin = { ...pin, media: { media_type: 'image', images: item.images } };
  const go = (next: number) => setIndex(Math.min(items.length - 1, Math.max(0, next)));
  const base = pin.alt_text ?? pin.title ?? 'Pin';
  return (
    <section
      className="pin-detail-media carousel"
      aria-roledescription="carousel"
      aria-label={`${base}: ${items.length} images`}
      onKeyDown={(event) => {
        if (event.key === 'ArrowLeft') go(index - 1);
        else if (event.key === 'ArrowRight') go(index + 1);
      }}
    >
      <div role="group" aria-roledescription="slide" aria-label={`Image ${index + 1} of ${items.length}`}>
        <PinPicture pin={shown} alt={item.title ?? `${base}, image ${index + 1} of ${items.length}`} />
        {(item.title || item.description) && (
          <p className="carousel-caption">
            {item.title && <strong>{item.title}</strong>} {item.description}
          </p>
        )}
      </div>
      <div className="row carousel-controls">
        <button type="button" className="button" disabled={index === 0} onClick={() => go(index - 1)}>
          Previous image
        </button>
        <span aria-live="polite">
          Image {index + 1} of {items.length}
        </span>
        <button
          type="button"
          className="button"
          disabled={index === items.length - 1}
          onClick={() => go(index + 1)}
        >
          Next image
        </button>
      </div>
    </section>
  );
}

function SaveDialog({ pin, open, onClose }: { pin: Pin; open: boolean; onClose: () => void }) {
  const [boardId, setBoardId] = useState('');
  const [creatingBoard, setCreatingBoard] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: () => apiSend<Pin>('POST', `/api/pins/${pin.id}/save`, { board_id: boardId }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['my-boards'] }),
    onError: (failure) => setError(messageOf(failure)),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    if (creatingBoard) return;
    if (!boardId) {
      setError('Choose a board to save to.');
      return;
    }
    save.mutate();
  };
  const close = () => {
    save.reset();
    setError(null);
    onClose();
  };
  return (
    <Dialog open={open} title="Save to board" onClose={close}>
      {save.isSuccess ? (
        <div>
          <p role="status" className="notice">
            Saved. <Link to={`/pin/${save.data.id}`}>See your pin</Link> or{' '}
            <Link to={`/board/${save.data.board_id}`}>its board</Link>.
          </p>
          <button type="button" className="button" onClick={close}>
            Done
          </button>
        </div>
      ) : (
        <form onSubmit={submit} noValidate>
          <BoardPicker
            value={boardId}
            onChange={setBoardId}
            onCreatingBoard={setCreatingBoard}
            error={error}
          />
          <button
            type="submit"
            className="button button-primary button-wide"
            disabled={save.isPending || creatingBoard}
          >
            {save.isPending ? 'Saving…' : 'Save'}
          </button>
        </form>
      )}
    </Dialog>
  );
}

type EditField = 'title' | 'description' | 'link' | 'alt_text';

function EditDialog({ pin, open, onClose }: { pin: Pin; open: boolean; onClose: () => void }) {
  const limits = useLimits().data;
  const queryClient = useQueryClient();
  const [values, setValues] = useState<Record<EditField, string>>({
    title: pin.title ?? '',
    description: pin.description ?? '',
    link: pin.link ?? '',
    alt_text: pin.alt_text ?? '',
  });
  const [errors, setErrors] = useState<SplitError<EditField>>({ fields: {}, form: null });
  const update = useMutation({
    mutationFn: () =>
      apiSend<Pin>('PATCH', `/api/pins/${pin.id}`, {
        title: values.title || null,
        description: values.description || null,
        link: values.link.trim() || null,
        alt_text: values.alt_text || null,
      }),
    onSuccess: (updated) => {
      queryClient.setQueryData(['pin', pin.id], updated);
      void queryClient.invalidateQueries({ queryKey: ['feed'] });
      onClose();
    },
    onError: (failure) =>
      setErrors(splitError(failure, ['title', 'description', 'link', 'alt_text'] as const)),
  });
  const set = (field: EditField) => (event: { target: { value: string } }) =>
    setValues((current) => ({ ...current, [field]: event.target.value }));
  const count = (field: EditField) =>
    limits ? { length: charCount(values[field]), max: limits.pin[field] } : undefined;
  const over =
    limits && (Object.keys(values) as EditField[]).some((f) => charCount(values[f]) > limits.pin[f]);
  return (
    <Dialog open={open} title="Edit pin" onClose={onClose}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          setErrors({ fields: {}, form: null });
          update.mutate();
        }}
        noValidate
      >
        <Field
          label="Title"
          value={values.title}
          onChange={set('title')}
          error={errors.fields.title}
          count={count('title')}
        />
        <Field
          label="Description"
          multiline
          value={values.description}
          onChange={set('description')}
          error={errors.fields.description}
          count={count('description')}
        />
        <Field
          label="Link"
          type="url"
          value={values.link}
          onChange={set('link')}
          error={errors.fields.link}
          count={count('link')}
        />
        <Field
          label="Alt text"
          value={values.alt_text}
          onChange={set('alt_text')}
          error={errors.fields.alt_text}
          count={count('alt_text')}
          hint="Describes the image for people who cannot see it."
        />
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

function DeleteDialog({ pin, open, onClose }: { pin: Pin; open: boolean; onClose: () => void }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  return (
    <ConfirmDeleteDialog
      open={open}
      onClose={onClose}
      title="Delete this pin?"
      noun="pin"
      path={`/api/pins/${pin.id}`}
      onDeleted={async () => {
        queryClient.removeQueries({ queryKey: ['pin', pin.id] });
        void queryClient.invalidateQueries({ queryKey: ['feed'] });
        void queryClient.invalidateQueries({ queryKey: ['board-pins', pin.board_id] });
        await navigate(`/board/${pin.board_id}`);
      }}
    >
      <p>It goes from its board for good. This cannot be undone.</p>
    </ConfirmDeleteDialog>
  );
}

function hostOf(link: string): string {
  try {
    return new URL(link).hostname.replace(/^www\./, '');
  } catch {
    return 'site';
  }
}
