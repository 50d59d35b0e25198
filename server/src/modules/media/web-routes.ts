import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../context.js';
import { ErrorSchema, IdString, Nullable } from '../../http/schema-helpers.js';
import type { App } from '../../http/types.js';
import { signedInViewerOf } from '../../http/web-viewer.js';
import { StringEnum } from '../boards/schemas.js';
import type { MediaUploadRow } from './uploads-repo.js';

const tags = ['web: media'];
const MediaType = StringEnum(['video'] as const, { description: 'Media upload type: video.' });
const MediaStatus = StringEnum(['registered', 'processing', 'succeeded', 'failed'] as const, {
  description:
    'registered: waiting for the file; processing: being checked and converted; succeeded: ready for a pin; failed: see failure_reason.',
});

const WebMediaUploadSchema = Type.Object(
  {
    media_id: IdString('The upload; give it to POST /api/pins as media_source.media_id (video_id).'),
    media_type: MediaType,
    upload_url: Type.String({ description: 'Where to POST the file, as a multipart form (no CSRF token).' }),
    upload_parameters: Type.Record(Type.String(), Type.String(), {
      description: 'Form fields to send before the file, which goes last as the field `file`.',
    }),
  },
  { $id: 'WebMediaUpload', description: 'A registered video upload, waiting for its file.' },
);

const WebMediaSchema = Type.Object(
  {
    media_id: IdString('The upload.'),
    media_type: MediaType,
    status: MediaStatus,
    failure_reason: Nullable(Type.String(), {
      description: 'Why processing failed, in words (not a video, truncated, too large…); null otherwise.',
    }),
  },
  { $id: 'WebMedia', description: 'A video upload of the signed-in user and its status.' },
);

const WebMediaLimitsSchema = Type.Object(
  {
    max_bytes: Type.Integer({ description: 'Largest video file accepted.' }),
    min_seconds: Type.Integer({ description: 'Shortest video accepted, in seconds.' }),
    max_seconds: Type.Integer({ description: 'Longest video accepted, in seconds.' }),
  },
  { $id: 'WebMediaLimits', description: 'Video limits the server enforces, for the create form.' },
);

function presentWebMedia(upload: MediaUploadRow) {
  return {
    media_id: upload.id,
    media_type: upload.mediaType,
    status: upload.status,
    failure_reason: upload.status === 'failed' ? (upload.failureReason ?? 'processing failed') : null,
  };
}

/**
 * Video uploads for the web app (cookie session, CSRF on writes): the same service as
 * media/create and media/get, as the signed-in person. The file itself goes to `upload_url`
 * exactly as an API client's does (signed policy, no session needed).
 */
export function registerMediaWebRoutes(app: App, ctx: AppContext): void {
  app.get(
    '/api/media/limits',
    {
      schema: {
        operationId: 'web/media/limits',
        tags,
        summary: 'Video limits',
        response: { 200: WebMediaLimitsSchema },
      },
    },
    async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=3600');
      const { maxBytes, minSeconds, maxSeconds } = ctx.config.video;
      return { max_bytes: maxBytes, min_seconds: minSeconds, max_seconds: maxSeconds };
    },
  );

  app.post(
    '/api/media',
    {
      schema: {
        operationId: 'web/media/create',
        tags,
        summary: 'Register a video upload',
        description:
          'As media/create: then POST the file to upload_url as a multipart form, every upload_parameters field first and the file last as `file`.',
        body: Type.Object({ media_type: MediaType }, { $id: 'WebMediaUploadCreate' }),
        response: { 201: WebMediaUploadSchema, default: ErrorSchema },
      },
    },
    async (request, reply) => {
      const registered = await ctx.mediaUploads.register(signedInViewerOf(request));
      return reply.status(201).send({
        media_id: registered.upload.id,
        media_type: registered.upload.mediaType,
        upload_url: registered.uploadUrl,
        upload_parameters: { ...registered.uploadParameters },
      });
    },
  );

  app.get(
    '/api/media/:media_id',
    {
      schema: {
        operationId: 'web/media/get',
        tags,
        summary: 'A video upload and its status',
        description: "Your own upload; anyone else's is 404.",
        params: Type.Object({ media_id: Type.String({ description: 'The upload.' }) }),
        response: { 200: WebMediaSchema, default: ErrorSchema },
      },
    },
    async (request, reply) => {
      const upload = await ctx.mediaUploads.get(signedInViewerOf(request), request.params.media_id);
      reply.header('cache-control', 'no-store');
      return presentWebMedia(upload);
    },
  );
}
