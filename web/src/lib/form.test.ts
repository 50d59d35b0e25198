import { describe, expect, it } from 'vitest';
import { ApiError, fieldOfMessage } from '../api/client';
import { splitError } from './form';
import { safeNextPath } from './navigation';

describe('server errors placed next to their field', () => {
  it('reads the field the server quotes', () => {
    expect(fieldOfMessage("Invalid field 'title': must NOT have more than 100 characters.")).toBe('title');
    expect(fieldOfMessage("Invalid request: 'link' must be an absolute http or https URL.")).toBe('link');
    expect(fieldOfMessage("Invalid field 'media_source.url': is required.")).toBe('media_source.url');
    expect(fieldOfMessage('The username or password is incorrect.')).toBeNull();
  });

  it('puts a quoted field error under that field, in plain words', () => {
    const error = new ApiError(400, 1, "Invalid request: 'email' must be an email address.");
    expect(splitError(error, ['email', 'username'] as const)).toEqual({
      fields: { email: 'Must be an email address.' },
      form: null,
    });
  });

  it('maps server names to form fields', () => {
    const error = new ApiError(400, 1, "Invalid field 'media_source.url': is required.");
    expect(splitError(error, ['image'] as const, { 'media_source.url': 'image' }).fields).toEqual({
      image: 'Is required.',
    });
  });

  it('places a message that names a field in words under that field', () => {
    const taken = new ApiError(409, 409, 'The username "ann" is taken.');
    expect(splitError(taken, ['email', 'username'] as const).fields).toEqual({
      username: 'The username "ann" is taken.',
    });
  });

  it('keeps anything else for the whole form', () => {
    const limited = new ApiError(429, 8, 'Too many attempts. Try again in 10 minutes.');
    expect(splitError(limited, ['email'] as const)).toEqual({ fields: {}, form: limited.message });
    expect(splitError(new Error('boom'), ['email'] as const).form).toBe('boom');
  });
});

describe('the page after logging in', () => {
  it('stays inside this site', () => {
    expect(safeNextPath('/pin/1')).toBe('/pin/1');
    expect(safeNextPath(null)).toBe('/');
    expect(safeNextPath('https://evil.example/')).toBe('/');
    expect(safeNextPath('//evil.example/')).toBe('/');
    expect(safeNextPath('/\\evil.example')).toBe('/');
  });
});
