import type { Scope } from '../tokens/scopes.js';

/** What each scope lets an app do, in words for the consent page. */
export const SCOPE_WORDS: Record<Scope, string> = {
  'ads:read': 'See your advertising data: ads, ad groups and campaigns',
  'ads:write': 'Create, change and delete your ads, ad groups and campaigns',
  'billing:read': 'See your billing data and billing profiles',
  'billing:write': 'Create, change and delete your billing data and profiles',
  'biz_access:read': 'See who has access to your business',
  'biz_access:write': 'Change who has access to your business',
  'boards:read': 'See your public boards',
  'boards:read_secret': 'See your secret boards',
  'boards:write': 'Create, change and delete your public boards',
  'boards:write_secret': 'Create, change and delete your secret boards',
  'catalogs:read': 'See your catalogs',
  'catalogs:write': 'Create, change and delete your catalogs',
  'pins:read': 'See your public Pins',
  'pins:read_secret': 'See your secret Pins',
  'pins:write': 'Create, change and delete your public Pins',
  'pins:write_secret': 'Create, change and delete your secret Pins',
  'user_accounts:read': 'See your account and followers',
  'user_accounts:write': 'Change your account settings',
};

/** User text is escaped everywhere it appears in a page. */
export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)} · Corkboard</title>
<style>
body{font-family:system-ui,sans-serif;background:#f5f5f5;margin:0;padding:2rem 1rem;color:#111}
main{max-width:26rem;margin:0 auto;background:#fff;border-radius:16px;padding:2rem;box-shadow:0 1px 4px #0002}
h1{font-size:1.4rem;margin-top:0}label{display:block;margin:.8rem 0 .2rem}
input[type=text],input[type=password]{width:100%;box-sizing:border-box;padding:.6rem;border:1px solid #bbb;border-radius:8px}
button{padding:.6rem 1.2rem;border-radius:24px;border:0;font-weight:600;cursor:pointer;margin:1rem .5rem 0 0}
.primary{background:#e60023;color:#fff}.secondary{background:#e9e9e9}.error{color:#b00020}
ul{padding-left:1.2rem}img.icon{width:48px;height:48px;border-radius:8px;float:right}
</style></head><body><main>${body}</main></body></html>`;
}

function hidden(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
}

export function errorPage(message: string): string {
  return layout(
    'Cannot continue',
    `<h1>This app cannot connect</h1><p class="error">${escapeHtml(message)}</p>
<p>Tell the app's developer; nothing was shared.</p>`,
  );
}

export function loginPage(input: {
  appName: string;
  query: string;
  csrfToken: string;
  error?: string;
  username?: string;
}): string {
  return layout(
    'Log in',
    `<h1>Log in to continue to ${escapeHtml(input.appName)}</h1>
${input.error ? `<p class="error" role="alert">${escapeHtml(input.error)}</p>` : ''}
<form method="post" action="/oauth/login">
${hidden({ _csrf: input.csrfToken, query: input.query })}
<label for="username">Username</label>
<input type="text" id="username" name="username" autocomplete="username" required value="${escapeHtml(input.username ?? '')}">
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required>
<button class="primary" type="submit">Log in</button>
</form>`,
  );
}

export function consentPage(input: {
  appName: string;
  appIconUrl: string | null;
  appWebsite: string;
  username: string;
  scopes: Scope[];
  params: Record<string, string>;
  csrfToken: string;
}): string {
  const scopes = input.scopes.map((s) => `<li>${escapeHtml(SCOPE_WORDS[s])}</li>`).join('');
  const icon = input.appIconUrl ? `<img class="icon" alt="" src="${escapeHtml(input.appIconUrl)}">` : '';
  const website = input.appWebsite ? `<p>${escapeHtml(input.appWebsite)}</p>` : '';
  return layout(
    'Allow access',
    `${icon}<h1>${escapeHtml(input.appName)} wants to access your Corkboard account</h1>
${website}<p>Signed in as <strong>${escapeHtml(input.username)}</strong>. The app will be able to:</p>
<ul>${scopes}</ul>
<form method="post" action="/oauth/consent">
${hidden({ ...input.params, _csrf: input.csrfToken })}
<button class="primary" type="submit" name="decision" value="allow">Allow</button>
<button class="secondary" type="submit" name="decision" value="deny">Deny</button>
</form>`,
  );
}
