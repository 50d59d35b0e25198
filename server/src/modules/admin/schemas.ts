import { Type } from '@sinclair/typebox';
import { IdString, Nullable } from '../../http/schema-helpers.js';
import { SIGNUP_MODES } from './repo.js';

export const SignupSettingSchema = Type.Object(
  {
    mode: Type.Unsafe<(typeof SIGNUP_MODES)[number]>({
      type: 'string',
      enum: [...SIGNUP_MODES],
      description: 'open: anyone may sign up; invite_only: an invite code is needed; closed: nobody may.',
    }),
  },
  { $id: 'SignupSetting', description: 'Who may sign up.' },
);

export const InviteCreateSchema = Type.Object(
  {
    email: Type.Optional(
      Nullable(Type.String({ maxLength: 320 }), {
        description: 'Only this address may use the invite (any address when absent).',
      }),
    ),
  },
  { $id: 'InviteCreate', description: 'A new invite.' },
);

export const InviteSchema = Type.Object(
  {
    code: Type.String({ description: 'The invite code. Shown once: only its hash is kept.' }),
    email: Nullable(Type.String(), { description: 'The address it is for, or null for any.' }),
    expires_at: Type.String({ format: 'date-time', description: 'When the code stops working.' }),
  },
  { $id: 'Invite', description: 'An invite code for sign-up.' },
);

export const OutboxMessageSchema = Type.Object(
  {
    id: IdString('Message id.'),
    to: Type.String({ description: 'Recipient.' }),
    subject: Type.String({ description: 'Subject.' }),
    text: Type.String({ description: 'Plain-text body.' }),
    delivery: Type.Unsafe<'smtp' | 'outbox'>({
      type: 'string',
      enum: ['smtp', 'outbox'],
      description: 'smtp: handed to the SMTP server; outbox: only kept here (no SMTP_URL, or SMTP failed).',
    }),
    created_at: Type.String({ format: 'date-time', description: 'When it was sent.' }),
  },
  { $id: 'OutboxMessage', description: 'Mail the server sent.' },
);
