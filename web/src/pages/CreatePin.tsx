import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type DragEvent, type FormEvent } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { useLimits, useMe } from '../api/auth';
import { useSections } from '../api/boards';
import { apiSend, apiUpload } from '../api/client';
import { useVideoLimits, type VideoLimits } from '../api/media';
import type { Limits, Pin } from '../api/types';
import { FormError } from '../components/AuthCard';
import { BoardPicker } from '../components/BoardPicker';
import { charCount, Field } from '../components/Field';
import { ErrorMessage, Loading } from '../components/States';
import { splitError, type SplitError } from '../lib/form';
import { uploadVideo, VideoFailedError } from '../lib/upload';

type PinField = 'image' | 'board' | 'section' | 'title' | 'description' | 'link' | 'alt_text';
const SERVER_FIELD_ALIASES: Partial<Record<string, PinField>> = {
  media_source: 'image',
  'media_source.url': 'image',
  'media_source.data': 'image',
  'media_source.content_type': 'image',
  'media_source.media_id': 'image',
  file: 'image',
  board_id: 'board',
  board_section_id: 'section',
};

export default function CreatePin() {
  const me = useMe();
  const limits = useLimits();
  const videoLimits = useVideoLimits();
  if (me.isPending || limits.isPending || videoLimits.isPending) return <Loading />;
  if (!me.data) return <Navigate to="/login?next=%2Fcreate" replace />;
  if (limits.isError || videoLimits.isError)
    return (
      <ErrorMessage
        title="Could not load the form."
        error={limits.error ?? videoLimits.error}
        retry={() => void (limits.isError ? limits.refetch() : videoLimits.refetch())}
      />
    );
  return <CreatePinForm limits={limits.data} videoLimits={videoLimits.data} />;
}

/** Where a submission is: sending the file (fraction), the server processing it, creating the pin. */
type Progress = { stage: 'uploading'; fraction: number } | { stage: 'processing'; what: 'image' | 'video' };

function CreatePinForm({ limits, videoLimits }: { limits: Limits; videoLimits: VideoLimits }) {
  const [params] = useSearchParams();
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const [source, setSource] = useState<'file' | 'url'>('file');
  const [imageUrl, setImageUrl] = useState('');
  const [dragging, setDragging] = useState(false);
  const [boardId, setBoardId] = useState(params.get('board') ?? '');
  const [creatingBoard, setCreatingBoard] = useState(false);
  const [sectionId, setSectionId] = useState('');
  const [text, setText] = useState({ title: '', description: '', link: '', alt_text: '' });
  const [errors, setErrors] = useState<SplitError<PinField>>({ fields: {}, form: null });
  const [progress, setProgress] = useState<Progress | null>(null);
  /** The last video uploaded and processed, so a retry after a field error does not send it again. */
  const uploaded = useRef<{ file: File; mediaId: string } | null>(null);
  const cancel = useRef<AbortController | null>(null);
  const isVideo = file !== null && isVideoFile(file);
  /** A chosen video shorter or longer than the server takes (known once its metadata loads). */
  const [durationProblem, setDurationProblem] = useState<string | null>(null);
  const sections = useSections(boardId || null);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const fileInputId = useId();
  const sectionSelectId = useId();

  // The preview is an object URL of the chosen file, released when replaced or on leaving.
  useEffect(() => () => void (preview && URL.revokeObjectURL(preview)), [preview]);
  // Leaving the page stops an upload or the wait for processing.
  useEffect(() => () => cancel.current?.abort(), []);

  const chooseFile = (chosen: File | undefined) => {
    if (!chosen) return;
    const problem = fileProblem(chosen, limits, videoLimits);
    setErrors((current) => ({ ...current, fields: { ...current.fields, image: problem ?? undefined } }));
    setFile(problem ? null : chosen);
    setDurationProblem(null);
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
    if (source === 'file' && !file)
      fields.image = 'Choose or drop an image (JPEG or PNG). A video works too.';
    if (source === 'file' && file && durationProblem) fields.image = durationProblem;
    if (source === 'url' && !isHttpUrl(imageUrl))
      fields.image = 'Paste the address of an image, starting with http:// or https://.';
    if (!boardId) fields.board = 'Choose a board for the pin.';
    if (text.link.trim() && !isHttpUrl(text.link.trim()))
      fields.link = 'Use a full address starting with http:// or https://.';
    return fields;
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (creatingBoard) return;
    const fields = check();
    setErrors({ fields, form: null });
    if (Object.keys(fields).length > 0 || overLimit) return;
    const details = {
      board_id: boardId,
      ...(sectionId ? { board_section_id: sectionId } : {}),
      title: text.title || null,
      description: text.description || null,
      link: text.link.trim() || null,
      alt_text: text.alt_text || null,
    };
    setProgress({ stage: 'uploading', fraction: 0 });
    try {
      let pin: Pin;
      if (source === 'file' && file && isVideoFile(file)) {
        let mediaId = uploaded.current?.file === file ? uploaded.current.mediaId : null;
        if (!mediaId) {
          const controller = new AbortController();
          cancel.current = controller;
          mediaId = await uploadVideo(
            file,
            (stage) => {
              if (stage.stage === 'uploading') setProgress(stage);
              else if (stage.stage === 'processing') setProgress({ stage: 'processing', what: 'video' });
            },
            controller.signal,
          );
          uploaded.current = { file, mediaId };
        }
        setProgress({ stage: 'processing', what: 'video' });
        pin = await apiSend<Pin>('POST', '/api/pins', {
          ...details,
          media_source: { source_type: 'video_id', media_id: mediaId },
        });
      } else {
        const media_source =
          source === 'file' && file
            ? { source_type: 'image_base64', content_type: file.type, data: await base64Of(file) }
            : { source_type: 'image_url', url: imageUrl.trim() };
        pin = await apiUpload<Pin>('/api/pins', { ...details, media_source }, (fraction) =>
          setProgress(
            fraction < 1 ? { stage: 'uploading', fraction } : { stage: 'processing', what: 'image' },
          ),
        );
      }
      void queryClient.invalidateQueries({ queryKey: ['feed'] });
      void queryClient.invalidateQueries({ queryKey: ['board-pins', boardId] });
      void queryClient.invalidateQueries({ queryKey: ['board', boardId] });
      void queryClient.invalidateQueries({ queryKey: ['my-boards'] });
      queryClient.setQueryData(['pin', pin.id], pin);
      await navigate(`/pin/${pin.id}`);
    } catch (failure) {
      setProgress(null);
      if (failure instanceof DOMException && failure.name === 'AbortError') return;
      if (failure instanceof VideoFailedError) {
        // The server could not use the file: choose another one.
        uploaded.current = null;
        setErrors({ fields: { image: failure.message }, form: null });
        return;
      }
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
        <section className="create-pin-media" aria-label="Image or video">
          <div className="tabs" role="group" aria-label="Where the image or video comes from">
            <button
              type="button"
              className="chip"
              aria-pressed={source === 'file'}
              onClick={() => setSource('file')}
            >
              Upload an image or video
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
              {preview && isVideo ? (
                <video
                  src={preview}
                  className="drop-preview"
                  controls
                  muted
                  preload="metadata"
                  aria-label="Preview of the chosen video"
                  onLoadedMetadata={(event) =>
                    setDurationProblem(durationProblemOf(event.currentTarget.duration, videoLimits))
                  }
                />
              ) : preview ? (
                <img
                  src={preview}
                  alt={text.alt_text || 'Preview of the chosen image'}
                  className="drop-preview"
                />
              ) : (
                <p>Drag and drop an image or a video here, or</p>
              )}
              <label htmlFor={fileInputId} className="button">
                {file ? 'Choose another file' : 'Choose an image or video'}
              </label>
              <input
                id={fileInputId}
                className="visually-hidden"
                type="file"
                accept={[...limits.image.content_types, ...VIDEO_TYPES].join(',')}
                onChange={(event) => chooseFile(event.target.files?.[0])}
                aria-describedby={`${fileInputId}-hint`}
              />
              <p id={`${fileInputId}-hint`} className="field-hint">
                {`JPEG or PNG, up to ${Math.floor(limits.image.max_bytes / (1024 * 1024))} MB; or a video (MP4, WebM, MOV…) of ${formatSeconds(videoLimits.min_seconds)} to ${formatSeconds(videoLimits.max_seconds)}, up to ${formatSize(videoLimits.max_bytes)}.`}
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
          {(errors.fields.image ?? durationProblem) && (
            <p className="field-error" role="alert">
              {errors.fields.image ?? durationProblem}
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
            onCreatingBoard={setCreatingBoard}
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
          {progress && (
            <div className="upload-progress" role="status">
              <label htmlFor="upload-progress">
                {progress.stage === 'uploading'
                  ? `Uploading${isVideo && source === 'file' ? ' video' : ''}… ${Math.round(progress.fraction * 100)}%`
                  : progress.what === 'video'
                    ? 'Processing video…'
                    : 'Processing the image…'}
              </label>
              {progress.stage === 'uploading' ? (
                <progress id="upload-progress" max={1} value={progress.fraction} />
              ) : (
                // No value: the browser shows it as busy, for as long as the server takes.
                <progress id="upload-progress" max={1} />
              )}
            </div>
          )}
          <div className="row">
            <button
              type="submit"
              className="button button-primary"
              disabled={busy || overLimit || creatingBoard}
            >
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

/** Video types offered in the file picker; the server checks the file itself (ffprobe). */
const VIDEO_TYPES = ['video/mp4', 'video/webm', 'video/quicktime', 'video/*'];

function isVideoFile(file: File): boolean {
  return file.type.startsWith('video/') || /\.(mp4|m4v|mov|webm|mkv)$/i.test(file.name);
}

function fileProblem(file: File, limits: Limits, videoLimits: VideoLimits): string | null {
  if (isVideoFile(file)) {
    if (file.size > videoLimits.max_bytes)
      return `“${file.name}” is ${formatSize(file.size)}; the most for a video is ${formatSize(videoLimits.max_bytes)}.`;
    if (file.size === 0) return `“${file.name}” is empty.`;
    return null;
  }
  if (!limits.image.content_types.includes(file.type))
    return `“${file.name}” is not a JPEG or PNG image, nor a video.`;
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

/** The browser's reading of the video's length against the server's limits (it checks again). */
function durationProblemOf(seconds: number, limits: VideoLimits): string | null {
  if (!Number.isFinite(seconds)) return null;
  if (seconds < limits.min_seconds) return `The video is shorter than ${limits.min_seconds} s.`;
  if (seconds > limits.max_seconds)
    return `The video is ${formatSeconds(seconds)} long; the most is ${formatSeconds(limits.max_seconds)}.`;
  return null;
}

function formatSeconds(seconds: number): string {
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole} s`;
  const minutes = Math.floor(whole / 60);
  const rest = whole % 60;
  return rest === 0 ? `${minutes} min` : `${minutes} min ${rest} s`;
}

function formatSize(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.ceil(bytes / 1024)} KB`;
  const megabytes = bytes / (1024 * 1024);
  return `${Number.isInteger(megabytes) ? megabytes : megabytes.toFixed(1)} MB`;
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
