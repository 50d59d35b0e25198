import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { apiSend } from '../../api/client';
import type { AppWithSecret } from '../../api/developer';
import { FormError } from '../../components/AuthCard';
import { charCount, Field } from '../../components/Field';
import { splitError, type SplitError } from '../../lib/form';
import { ShownOnce, StatusBadge } from './common';
import { SignedInOnly } from '../../components/SignedInOnly';

const FIELDS = ['name', 'description', 'website_url', 'redirect_uris', 'icon'] as const;
type AppField = (typeof FIELDS)[number];
/** The server names one redirect URI by its index: `redirect_uris[2]`. */
const URI_ALIASES: Partial<Record<string, AppField>> = Object.fromEntries(
  Array.from({ length: 50 }, (_, index) => [`redirect_uris[${index}]`, 'redirect_uris' as const]),
);
const ICON_MAX_BYTES = 2 * 1024 * 1024;

export default function ConnectApp() {
  return <SignedInOnly>{() => <ConnectForm />}</SignedInOnly>;
}

/** A file's bytes as base64 (without the data: prefix), as the server wants an icon. */
function readAsBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(new Error('Could not read the file.'));
    reader.readAsDataURL(file);
  });
}

function ConnectForm() {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [website, setWebsite] = useState('');
  const [redirects, setRedirects] = useState('');
  const [icon, setIcon] = useState<{ base64: string; name: string } | null>(null);
  const [iconError, setIconError] = useState<string | null>(null);
  const [errors, setErrors] = useState<SplitError<AppField>>({ fields: {}, form: null });

  const connect = useMutation({
    mutationFn: () =>
      apiSend<AppWithSecret>('POST', '/api/developer/apps', {
        name,
        description,
        website_url: website.trim() || undefined,
        redirect_uris: redirects
          .split('\n')
          .map((line) => line.trim())
          .filter(Boolean),
        icon: icon?.base64 ?? null,
      }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['developer-apps'] }),
    onError: (error) => setErrors(splitError(error, FIELDS, URI_ALIASES)),
  });

  const onIcon = async (file: File | undefined) => {
    setIconError(null);
    setIcon(null);
    if (!file) return;
    if (!/^image\/(png|jpeg|webp|gif)$/.test(file.type)) {
      setIconError('Choose a PNG, JPEG, WebP or GIF image.');
      return;
    }
    if (file.size > ICON_MAX_BYTES) {
      setIconError('The icon must be at most 2 MB.');
      return;
    }
    try {
      setIcon({ base64: await readAsBase64(file), name: file.name });
    } catch (error) {
      setIconError(error instanceof Error ? error.message : 'Could not read the file.');
    }
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const fields: SplitError<AppField>['fields'] = {};
    if (!name.trim()) fields.name = 'Give your app a name.';
    if (!redirects.trim()) fields.redirect_uris = 'Add at least one redirect URI.';
    setErrors({ fields, form: null });
    if (Object.keys(fields).length > 0 || iconError) return;
    connect.mutate();
  };

  if (connect.isSuccess) {
    const app = connect.data;
    return (
      <div className="page narrow">
        <h1>{app.name} is connected</h1>
        <p>
          <StatusBadge app={app} />{' '}
          {app.status === 'PENDING'
            ? 'An administrator will review it. You can generate tokens once it is approved.'
            : null}
        </p>
        {app.client_id && (
          <p>
            Client id: <code>{app.client_id}</code>
          </p>
        )}
        <ShownOnce label="Client secret" value={app.client_secret} />
        <div className="row">
          <Link className="button button-primary" to={`/developer/apps/${app.id}`}>
            Manage {app.name}
          </Link>
          <Link className="button" to="/developer">
            My apps
          </Link>
        </div>
      </div>
    );
  }

  return (
    <div className="page narrow">
      <h1>Connect app</h1>
      <p className="lead">Tell people what your app does; an administrator reviews every new app.</p>
      <form onSubmit={onSubmit} noValidate>
        <Field
          label="App name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={errors.fields.name}
          count={{ length: charCount(name), max: 100 }}
          required
        />
        <Field
          label="Description"
          multiline
          rows={3}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          error={errors.fields.description}
          count={{ length: charCount(description), max: 1000 }}
        />
        <Field
          label="Icon"
          type="file"
          accept="image/png,image/jpeg,image/webp,image/gif"
          onChange={(e) => void onIcon(e.target.files?.[0])}
          error={iconError ?? errors.fields.icon}
          hint={
            icon ? `Chosen: ${icon.name}` : 'A square PNG, JPEG, WebP or GIF image up to 2 MB (optional).'
          }
        />
        <Field
          label="Website"
          type="url"
          inputMode="url"
          placeholder="https://example.com"
          value={website}
          onChange={(e) => setWebsite(e.target.value)}
          error={errors.fields.website_url}
        />
        <Field
          label="Redirect URIs"
          multiline
          rows={3}
          value={redirects}
          onChange={(e) => setRedirects(e.target.value)}
          error={errors.fields.redirect_uris}
          hint="One per line (up to 10). https, or http only for localhost and 127.0.0.1."
          required
        />
        <FormError message={errors.form} />
        <button type="submit" className="button button-primary button-wide" disabled={connect.isPending}>
          {connect.isPending ? 'Connecting…' : 'Connect app'}
        </button>
      </form>
    </div>
  );
}
