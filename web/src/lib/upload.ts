/**
 * Uploading a video as Pinterest's clients do: register it (POST /api/media), POST the file to
 * the upload URL as a multipart form with the signed parameters (XMLHttpRequest, whose upload
 * progress events drive the progress bar), then poll its status until processing ends.
 */
import { getMedia, registerVideoUpload, type Media, type MediaStatus } from '../api/media';
import { ApiError } from '../api/client';

const NETWORK_ERROR = 'Could not reach the server. Check your connection and try again.';

function aborted(): DOMException {
  return new DOMException('The upload was cancelled.', 'AbortError');
}

/**
 * POSTs `file` to `url` as multipart/form-data: every field first, the file last as `file`.
 * `onProgress` gets the fraction sent, 0 to 1. Rejects with an ApiError in the server's words.
 */
export function uploadForm(
  url: string,
  fields: Record<string, string>,
  file: Blob,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(aborted());
      return;
    }
    const form = new FormData();
    // Content-Type is a policy field; the browser sets the request's own header with its boundary.
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    form.append('file', file, file instanceof File ? file.name : 'video');
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('accept', 'application/json');
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    };
    const onAbort = () => xhr.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    xhr.onabort = () => reject(aborted());
    xhr.onerror = () => reject(new ApiError(0, 0, NETWORK_ERROR));
    xhr.onloadend = () => signal?.removeEventListener('abort', onAbort);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve();
        return;
      }
      let parsed: { code?: unknown; message?: unknown } | undefined;
      try {
        parsed = xhr.responseText ? (JSON.parse(xhr.responseText) as typeof parsed) : undefined;
      } catch {
        parsed = undefined;
      }
      reject(
        new ApiError(
          xhr.status,
          typeof parsed?.code === 'number' ? parsed.code : xhr.status,
          typeof parsed?.message === 'string' ? parsed.message : `The upload failed (${xhr.status}).`,
        ),
      );
    };
    xhr.send(form);
  });
}

/** The video could not be used; `message` is the server's reason in words. */
export class VideoFailedError extends Error {
  constructor(readonly reason: string) {
    super(`The video could not be used: ${reason}.`);
    this.name = 'VideoFailedError';
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(aborted());
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(aborted());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Polls the upload's status until processing ends: resolves when it succeeded, rejects with
 * VideoFailedError (the server's reason) when it failed. Polls quickly at first, then less often.
 */
export async function waitForProcessing(
  mediaId: string,
  options: { onStatus?: (status: MediaStatus) => void; signal?: AbortSignal } = {},
): Promise<Media> {
  for (let attempt = 0; ; attempt++) {
    const media = await getMedia(mediaId);
    options.onStatus?.(media.status);
    if (media.status === 'succeeded') return media;
    if (media.status === 'failed') throw new VideoFailedError(media.failure_reason ?? 'processing failed');
    await sleep(Math.min(500 + attempt * 250, 3000), options.signal);
  }
}

export type VideoUploadStage =
  { stage: 'uploading'; fraction: number } | { stage: 'processing' } | { stage: 'ready' };

/** Registers, uploads and waits for a video; resolves with its media id, ready for a pin. */
export async function uploadVideo(
  file: File,
  onStage: (stage: VideoUploadStage) => void,
  signal?: AbortSignal,
): Promise<string> {
  onStage({ stage: 'uploading', fraction: 0 });
  const registered = await registerVideoUpload();
  await uploadForm(
    registered.upload_url,
    registered.upload_parameters,
    file,
    (fraction) => onStage({ stage: 'uploading', fraction }),
    signal,
  );
  onStage({ stage: 'processing' });
  await waitForProcessing(registered.media_id, { signal });
  onStage({ stage: 'ready' });
  return registered.media_id;
}
