import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useState, type DragEvent, type FormEvent } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { useLimits, useMe } from '../api/auth';
import { useSections } from '../api/boards';
import { apiUpload } from '../api/client';
import type { Limits, Pin } from '../api/types';
import { FormError } from '../components/AuthCard';
import { BoardPicker } from '../components/BoardPicker';
import { charCount, Field } from '../components/Field';
import { ErrorMessage, Loading } from '../components/States';
import { splitError, type SplitError } from '../lib/form';

type PinField = 'image' | 'board' | 'section' | 'title' | 'description' | 'link' | 'alt_text';
const SERVER_FIELD_ALIASES: Partial<Record<string, PinField>> = {
  media_source: 'image',
  'media_source.url': 'image',
  'media_source.data': 'image',
  'media_source.content_type': 'image',
  board_id: 'board',
  board_section_id: 'section',
};

export default function CreatePin() {
  const me = useMe();
  const limits = useLimits();
  if (me.isPending || limits.isPending) return <Loading />;
  if (!me.data) return <Navigate to="/login?next=%2Fcreate" replace />;
  if (limits.isError)
    return (
      <ErrorMessage
        title="Could not load the form."
        error={limits.error}
        retry={() => void limits.refetch()}
      />
    );
  return <CreatePinForm limits={limits.data} />;
}

function CreatePinForm({ limits }: { limits: Limits }) {
  const [params] = useSearchParams();
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const [source, setSource] = useState<'file' | 'url'>('file');
  const [imageUrl, setImageUrl] = useState('');
  const [dragging, setDragging] = useState(false);
  const [boardId, setBoardId] = useState(params.get('board') ?? '');
  const [sectionId, setSectionId] = useState('');
  const [text, setText] = useState({ title: '', description: '', link: '', alt_text: '' });
  const [errors, setErrors] = useState<SplitError<PinField>>({ fields: {}, form: null });
  const [progress, setProgress] = useState<number | null>(null);
  const sections = useSections(boardId || null);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const fileInputId = useId();
  const sectionSelectId = useId();

  // The preview is an object URL of the chosen file, released when replaced or on leaving.
  useEffect(() => () => void (preview && URL.revokeObjectURL(preview)), [preview]);

  const chooseFile = (chosen: File | undefined) => {
    if (!chosen) return;
    const problem = fileProblem(chosen, limits);
    setErrors((current) => ({ ...current, fields: { ...current.fields, image: problem ?? undefined } }));
    setFile(problem ? null : chosen);
    setPreview(problem ? null : URL.createObjectURL(chosen));
  };

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    setSource('file');
    chooseFile(event.dataTransfer.files[0]);
  };

  const setField = (field: keyof typeof text) => (event: { target: { value: string } }) =>
    setText((current) => ({ ...current, [field]: event.target.value }));
  const count = (field: keyof typeof text) => ({ length: charCount(text[field]), max: limits.pin[field] });
  const overLimit = (Object.keys(text) as Array<keyof typeof text>).some(
    (field) => charCount(text[field]) > limits.pin[field],
  );

  const check = (): SplitError<PinField>['fields'] => {
    const fields: SplitError<PinField>['fields'] = {};
    if (source === 'file' && !file) fields.image = 'Choose or drop an image (JPEG or PNG).';
    if (source === 'url' && !isHttpUrl(imageUrl))
      fields.image = 'Paste the address of an image, starting with http:// or https://.';
    if (!boardId) fields.board = 'Choose a board for the pin.';
    if (text.link.trim() && !isHttpUrl(text.link.trim()))
      fields.link = 'Use a full address starting with http:// or https://.';
    return fields;
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const fields = check();
    setErrors({ fields, form: null });
    if (Object.keys(fields).length > 0 || overLimit) return;
    setProgress(0);
    try {
      const media_source =
        source === 'file' && file
          ? { source_type: 'image_base64', content_type: file.type, data: await base64Of(file) }
          : { source_type: 'image_url', url: imageUrl.trim() };
      const pin = await apiUpload<Pin>(
        '/api/pins',
        {
          board_id: boardId,
          ...(sectionId ? { board_section_id: sectionId } : {}),
          title: text.title || null,
          description: text.description || null,
          link: text.link.trim() || null,
          alt_text: text.alt_text || null,
          media_source,
        },
        setProgress,
      );
      void queryClient.invalidateQueries({ queryKey: ['feed'] });
      void queryClient.invalidateQueries({ queryKey: ['board-pins', boardId] });
      void queryClient.invalidateQueries({ queryKey: ['board', boardId] });
      void queryClient.invalidateQueries({ queryKey: ['my-boards'] });
      queryClient.setQueryData(['pin', pin.id], pin);
      await navigate(`/pin/${pin.id}`);
    } catch (failure) {
      setProgress(null);
      setErrors(
        splitError(
          failure,
          ['image', 'board', 'section', 'title', 'description', 'link', 'alt_text'] as const,
          SERVER_FIELD_ALIASES,
        ),
      );
    }
  };

  const busy = progress !== null;
  return (
    <div className="page">
      <h1>Create a pin</h1>
      <form className="create-pin" onSubmit={(event) => void submit(event)} noValidate>
        <section className="create-pin-media" aria-label="Image">
          <div className="tabs" role="group" aria-label="Where the image comes from">
            <button
              type="button"
              className="chip"
              aria-pressed={source === 'file'}
              onClick={() => setSource('file')}
            >
              Upload an image
            </button>
            <button
              type="button"
              className="chip"
              aria-pressed={source === 'url'}
              onClick={() => setSource('url')}
            >
              Image from a URL
            </button>
          </div>
          {source === 'file' ? (
            <div
              className={`drop-zone${dragging ? ' dragging' : ''}${errors.fields.image ? ' invalid' : ''}`}
              onDragOver={(event) => {
                event.preventDefault();
                setDragging(true);
              }}
              onDragLeave={() => setDragging(false)}
              onDrop={onDrop}
            >
              {preview ? (
                <img
                  src={preview}
                  alt={text.alt_text || 'Preview of the chosen image'}
                  className="drop-preview"
                />
              ) : (
                <p>Drag and drop an image here, or</p>
              )}
              <label htmlFor={fileInputId} className="button">
                {file ? 'Choose another image' : 'Choose an image'}
              </label>
              <input
                id={fileInputId}
                className="visually-hidden"
                type="file"
                accept={limits.image.content_types.join(',')}
                onChange={(event) => chooseFile(event.target.files?.[0])}
                aria-describedby={`${fileInputId}-hint`}
              />
              <p id={`${fileInputId}-hint`} className="field-hint">
                JPEG or PNG, up to {Math.floor(limits.image.max_bytes / (1024 * 1024))} MB.
                {file ? ` Chosen: ${file.name} (${formatSize(file.size)}).` : ''}
              </p>
            </div>
          ) : (
            <Field
              label="Image URL"
              type="url"
              inputMode="url"
              placeholder="https://…"
              value={imageUrl}
              onChange={(event) => setImageUrl(event.target.value)}
            />
          )}
          {errors.fields.image && (
            <p className="field-error" role="alert">
              {errors.fields.image}
            </p>
          )}
        </section>

        <section className="create-pin-fields" aria-label="Details">
          <BoardPicker
            value={boardId}
            onChange={(id) => {
              setBoardId(id);
              setSectionId('');
            }}
            error={errors.fields.board}
          />
          {(sections.data?.items.length ?? 0) > 0 && (
            <div className="field">
              <label htmlFor={sectionSelectId}>Section (optional)</label>
              <select
                id={sectionSelectId}
                value={sectionId}
                onChange={(event) => setSectionId(event.target.value)}
              >
                <option value="">No section</option>
                {sections.data!.items.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
              </select>
              {errors.fields.section && (
                <p className="field-error" role="alert">
                  {errors.fields.section}
                </p>
              )}
            </div>
          )}
          <Field
            label="Title"
            value={text.title}
            onChange={setField('title')}
            error={errors.fields.title}
            count={count('title')}
          />
          <Field
            label="Description"
            multiline
            value={text.description}
            onChange={setField('description')}
            error={errors.fields.description}
            count={count('description')}
          />
          <Field
            label="Link"
            type="url"
            inputMode="url"
            placeholder="https://…"
            value={text.link}
            onChange={setField('link')}
            error={errors.fields.link}
            count={count('link')}
          />
          <Field
            label="Alt text"
            value={text.alt_text}
            onChange={setField('alt_text')}
            error={errors.fields.alt_text}
            count={count('alt_text')}
            hint="Describe the image for people who cannot see it."
          />
          <FormError message={errors.form} />
          {busy && (
            <div className="upload-progress">
              <label htmlFor="upload-progress">
                {progress < 1 ? `Uploading… ${Math.round(progress * 100)}%` : 'Processing the image…'}
              </label>
              <progress id="upload-progress" max={1} value={progress} />
            </div>
          )}
          <div className="row">
            <button type="submit" className="button button-primary" disabled={busy || overLimit}>
              {busy ? 'Publishing…' : 'Publish'}
            </button>
            <Link to="/" className="button">
              Cancel
            </Link>
          </div>
        </section>
      </form>
    </div>
  );
}

function fileProblem(file: File, limits: Limits): string | null {
  if (!limits.image.content_types.includes(file.type)) return `“${file.name}” is not a JPEG or PNG image.`;
  if (file.size > limits.image.max_bytes)
    return `“${file.name}” is ${formatSize(file.size)}; the most is ${formatSize(limits.image.max_bytes)}.`;
  return null;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function formatSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

/** The file's bytes as base64, as pins/create's image_base64 takes them. */
function base64Of(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onerror = () => reject(new Error(`Could not read “${file.name}”.`));
    reader.onload = () => {
      const result = String(reader.result);
      resolve(result.slice(result.indexOf(',') + 1));
    };
    reader.readAsDataURL(file);
  });
}
