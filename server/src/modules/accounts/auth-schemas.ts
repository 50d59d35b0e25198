import { Type } from '@sinclair/typebox';
import { IdString, Nullable } from '../../http/schema-helpers.js';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './passwords.js';

const password = (description: string) =>
  Type.String({ minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH, description });

export const SignedInUserSchema = Type.Object(
  {
    id: IdString('User account ID.'),
    username: Type.String({ description: 'Username.' }),
    email: Nullable(Type.String(), { description: 'Email address.' }),
    email_verified: Type.Boolean({ description: 'Whether the email address has been verified.' }),
    account_type: Type.Union([Type.Literal('PINNER'), Type.Literal('BUSINESS')], {
      description: 'Type of account.',
    }),
    is_admin: Type.Boolean({ description: 'Whether the user administers this server.' }),
  },
  { $id: 'SignedInUser', description: 'The user of the current web session.' },
);

export const SignupBodySchema = Type.Object(
  {
    email: Type.String({ maxLength: 320, description: 'Email address; unique, ignoring case.' }),
    username: Type.String({
      maxLength: 30,
      description: '3 to 30 letters, digits or underscores; unique, ignoring case.',
    }),
    password: password(`Password, ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters.`),
    invite_code: Type.Optional(
      Type.String({ maxLength: 100, description: 'Invite code, needed when sign-up is invite-only.' }),
    ),
    account_type: Type.Optional(
      Type.Union([Type.Literal('PINNER'), Type.Literal('BUSINESS')], {
        default: 'PINNER',
        description:
          'PINNER for a personal account; BUSINESS creates a business account directly (the business profile steps follow).',
      }),
    ),
    business_name: Type.Optional(
      Type.String({ maxLength: 100, description: 'Business name; required when account_type is BUSINESS.' }),
    ),
  },
  { $id: 'SignupRequest', description: 'A new account.' },
);

export const LoginBodySchema = Type.Object(
  {
    username_or_email: Type.String({ minLength: 1, maxLength: 320, description: 'Username or email.' }),
    password: Type.String({ minLength: 1, maxLength: 1000, description: 'Password.' }),
  },
  { $id: 'LoginRequest', description: 'Credentials.' },
);

export const PasswordChangeBodySchema = Type.Object(
  {
    current_password: Type.String({ minLength: 1, maxLength: 1000, description: 'The current password.' }),
    new_password: password(`The new password, ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters.`),
  },
  { $id: 'PasswordChangeRequest', description: 'A password change.' },
);

export const PasswordResetBodySchema = Type.Object(
  { email: Type.String({ minLength: 1, maxLength: 320, description: 'Email address of the account.' }) },
  { $id: 'PasswordResetRequest', description: 'Asks for a password reset link by email.' },
);

export const PasswordResetConfirmBodySchema = Type.Object(
  {
    token: Type.String({ minLength: 1, maxLength: 200, description: 'Token from the reset link.' }),
    new_password: password(`The new password, ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters.`),
  },
  { $id: 'PasswordResetConfirmRequest', description: 'Sets a new password from a reset link.' },
);

export const VerifyEmailBodySchema = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 200, description: 'Token from the verification link.' }) },
  { $id: 'VerifyEmailRequest', description: 'Verifies an email address from its link.' },
);

export const AcceptedSchema = Type.Object(
  { message: Type.String({ description: 'What happens next.' }) },
  { $id: 'Accepted', description: 'The request was accepted.' },
);
