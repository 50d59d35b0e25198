import multipart from '@fastify/multipart';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../context.js';
import { callerOf } from '../../http/operations.js';
import { ErrorSchema, IdString, PageQuery, Paginated } from '../../http/schema-helpers.js';
import type { App } from '../../http/types.js';
import { badRequest, invalidField } from '../../lib/errors.js';
import { StringEnum } from '../boards/schemas.js';
import type { MediaUploadRow } from './uploads-repo.js';
import type { RegisteredUpload } from './uploads-service.js';

const tags = ['media'];
const MediaType = StringEnum(['video'] as const, { description: 'Media upload type: video.' });
const MediaStatus = StringEnum(['registered', 'processing', 'succeeded', 'failed'] as const, {
  description:
    'registered: waiting for the file; processing: being checked and converted; succeeded: ready for pins/create; failed: see the X-Corkboard-Failure-Reason header.',
});

const MediaUploadParametersSchema = Type.Object(
  {
    'Content-Type': Type.String({ description: 'Send the form as multipart/form-data.' }),
    key: Type.String({ description: 'Which upload the file is for.' }),
    policy: Type.String({ description: 'Base64 policy: key, expiry and size limit.' }),
    'x-amz-algorithm': Type.String({ description: 'Signature algorithm of the policy.' }),
    'x-amz-credential': Type.String({ description: 'Scope of the signing key.' }),
    'x-amz-date': Type.String({ description: 'When the policy was signed.' }),
    'x-amz-security-token': Type.String({ description: 'Secret issued for this upload only.' }),
    'x-amz-signature': Type.String({ description: 'HMAC-SHA256 of the policy (hex).' }),
  },
  { description: 'Form fields to send with the file, before it.' },
);

const MediaUploadSchema = Type.Object(
  {
    media_id: IdString('Unique identifier of this media upload; give it to pins/create as media_id.'),
    media_type: MediaType,
    upload_url: Type.String({ description: 'Where to POST the file, as a multipart form.' }),
    upload_parameters: MediaUploadParametersSchema,
  },
  { $id: 'MediaUpload', description: 'A registered media upload, waiting for its file.' },
);

const MediaSchema = Type.Object(
  {
    media_id: IdString('Unique identifier of this media upload.'),
    media_type: MediaType,
    status: MediaStatus,
  },
  { $id: 'Media', description: 'A media upload and its status.' },
);

function presentMediaUpload(registered: RegisteredUpload) {
  return {
    media_id: registered.upload.id,
    media_type: registered.upload.mediaType,
    upload_url: registered.uploadUrl,
    upload_parameters: registered.uploadParameters,
  };
}

function presentMedia(upload: MediaUploadRow) {
  return { media_id: upload.id, media_type: upload.mediaType, status: upload.status };
}

/** How long a browser may reuse the answer to an upload's CORS preflight. */
const UPLOAD_PREFLIGHT_MAX_AGE_SECONDS = 3000;

/** The multipart fields of the upload form that may come before the file. */
const FORM_FIELDS = new Set([
  'key',
  'policy',
  'content-type',
  'x-amz-algorithm',
  'x-amz-credential',
  'x-amz-date',
  'x-amz-security-token',
  'x-amz-signature',
  'success_action_status',
]);

export function registerMediaUploadRoutes(app: App, ctx: AppContext): void {
  app.post(
    '/v5/media',
    {
      config: { operationId: 'media/create', scopes: ['pins:read', 'pins:write'] },
      schema: {
        operationId: 'media/create',
        tags,
        summary: 'Register media upload',
        description:
          'Registers a video upload. POST the file to upload_url as a multipart form: every upload_parameters field first, then the file as the `file` field. No bearer token is needed for that POST.',
        body: Type.Object(
          { media_type: MediaType },
          { $id: 'MediaUploadCreate', description: 'What is to be uploaded.' },
        ),
        response: { 201: MediaUploadSchema, default: ErrorSchema },
      },
    },
    async (request, reply) => {
      const registered = await ctx.mediaUploads.register(callerOf(request));
      return reply.status(201).send(presentMediaUpload(registered));
    },
  );

  app.get(
    '/v5/media',
    {
      config: { operationId: 'media/list', scopes: ['pins:read'] },
      schema: {
        operationId: 'media/list',
        tags,
        summary: 'List media uploads',
        description: "The caller's media uploads, newest first.",
        querystring: Type.Object({ ...PageQuery }),
        response: { 200: Paginated(MediaSchema, 'Media uploads'), default: ErrorSchema },
      },
    },
    async (request) => {
      const page = await ctx.mediaUploads.list(callerOf(request), {
        bookmark: request.query.bookmark,
        pageSize: request.query.page_size,
      });
      return { items: page.items.map(presentMedia), bookmark: page.bookmark };
    },
  );

  app.get(
    '/v5/media/:media_id',
    {
      config: { operationId: 'media/get', scopes: ['pins:read'] },
      schema: {
        operationId: 'media/get',
        tags,
        summary: 'Get media upload details',
        description:
          "A media upload of the caller and its status. A failed upload's reason is in the X-Corkboard-Failure-Reason response header (the spec's Media has no field for it).",
        params: Type.Object({ media_id: IdString('Unique identifier of a media upload.') }),
        response: { 200: MediaSchema, default: ErrorSchema },
      },
    },
    async (request, reply) => {
      const upload = await ctx.mediaUploads.get(callerOf(request), request.params.media_id);
      if (upload.status === 'failed' && upload.failureReason)
        reply.header('x-corkboard-failure-reason', encodeURIComponent(upload.failureReason));
      return presentMedia(upload);
    },
  );

  // The upload itself: a form POST authorized by its signed policy, as to Pinterest's storage.
  void app.register(async (scope) => {
    // Open to pages of any origin, as a storage bucket for browser uploads is: the signed
    // policy is the only credential (no cookie, no token), so a cross-origin page gains nothing
    // it did not already hold. Preflights are answered; every answer, errors too, can be read.
    scope.addHook('onRequest', async (_request, reply) => {
      reply.header('access-control-allow-origin', '*');
    });
    scope.options('/media/uploads', async (request, reply) => {
      const requested = request.headers['access-control-request-headers'];
      return reply
        .status(204)
        .header('access-control-allow-methods', 'POST, OPTIONS')
        .header('access-control-allow-headers', typeof requested === 'string' ? requested : 'content-type')
        .header('access-control-max-age', String(UPLOAD_PREFLIGHT_MAX_AGE_SECONDS))
        .send();
    });
    await scope.register(multipart, {
      limits: {
        fileSize: ctx.config.video.maxBytes,
        files: 1,
        fields: 20,
        fieldSize: 16 * 1024,
        parts: 21,
      },
      throwFileSizeLimit: false,
      // A part named `file` is the file even without a filename.
      isPartAFile: (fieldName, contentType, fileName) =>
        fieldName === 'file' || fileName !== undefined || contentType === 'application/octet-stream',
    });
    scope.post('/media/uploads', async (request, reply) => {
      if (!request.isMultipart())
        throw badRequest('Invalid request: send the upload as multipart/form-data.');
      const fields: Record<string, string> = {};
      let received = false;
      for await (const part of request.parts()) {
        if (part.type === 'field') {
          if (received) continue;
          const name = part.fieldname.toLowerCase() === 'content-type' ? 'Content-Type' : part.fieldname;
          if (FORM_FIELDS.has(part.fieldname.toLowerCase()) && typeof part.value === 'string')
            fields[name] = part.value;
          continue;
        }
        if (received || part.fieldname !== 'file') {
          part.file.resume();
          continue;
        }
        received = true;
        const upload = await ctx.mediaUploads.authorizeUpload(fields).catch((error: unknown) => {
          part.file.resume();
          throw error;
        });
        await ctx.mediaUploads.receiveFile(upload, part.file);
      }
      if (!received) throw invalidField('file', 'is missing: send the video as the form field `file`');
      return reply.status(204).send();
    });
  });
}
