import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ME_KEY } from '../../api/auth';
import {
  BUSINESS_PROFILE_KEY,
  choiceWords,
  useBusinessOptions,
  useBusinessProfile,
  useWebsiteVerification,
  type BusinessOptions,
  type BusinessProfile,
} from '../../api/business';
import { apiSend, messageOf } from '../../api/client';
import type { SignedInUser } from '../../api/types';
import { FormError } from '../../components/AuthCard';
import { SignedInOnly } from '../../components/SignedInOnly';
import { charCount, Field } from '../../components/Field';
import { ErrorMessage, Loading } from '../../components/States';
import { Stepper } from '../../components/Stepper';
import {
  BUSINESS_STEPS,
  defaultCountry,
  defaultLanguage,
  isStepId,
  resumeStep,
  stepIndex,
  type BusinessStepId,
} from '../../lib/business-steps';
import { splitError, type SplitError } from '../../lib/form';
import { ChoiceGroup, readAsDataUrl, SelectField } from './common';

/** The server names one chosen value by its index: `goals[2]`. */
const indexAliases = <F extends string>(field: F): Partial<Record<string, F>> =>
  Object.fromEntries(Array.from({ length: 20 }, (_, index) => [`${field}[${index}]`, field]));

/** The errors without the one of a field the person has just changed. */
function withoutField<F extends string>(errors: SplitError<F>, field: F): SplitError<F> {
  if (!errors.fields[field]) return errors;
  const fields = { ...errors.fields };
  delete fields[field];
  return { ...errors, fields };
}

export default function BusinessSetup() {
  return (
    <SignedInOnly
      signedOut={
        <div className="page narrow">
          <h1>Log in to set up a business account</h1>
          <p>
            <Link to="/login?next=%2Fbusiness">Log in</Link> to convert your account, or{' '}
            <Link to="/business/signup">create a business account</Link>.
          </p>
        </div>
      }
    >
      {(user) => <Loader user={user} />}
    </SignedInOnly>
  );
}

function Loader({ user }: { user: SignedInUser }) {
  const profile = useBusinessProfile();
  const options = useBusinessOptions();
  if (profile.isPending || options.isPending) return <Loading label="Loading your business profile…" />;
  if (profile.isError || options.isError)
    return (
      <div className="page narrow">
        <h1>Could not load your business profile</h1>
        <ErrorMessage
          error={profile.error ?? options.error}
          retry={() => {
            void profile.refetch();
            void options.refetch();
          }}
        />
      </div>
    );
  return <Wizard user={user} profile={profile.data} options={options.data} />;
}

interface StepProps {
  profile: BusinessProfile;
  options: BusinessOptions;
  /** Goes to the next step (after the step saved itself). */
  next: () => void;
  back: () => void;
  saved: (profile: BusinessProfile) => void;
}

function Wizard({
  user,
  profile,
  options,
}: {
  user: SignedInUser;
  profile: BusinessProfile;
  options: BusinessOptions;
}) {
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();
  const [resumeAt] = useState(() => resumeStep(profile));
  const [finished, setFinished] = useState<BusinessProfile | null>(null);
  const requested = params.get('step');
  const current: BusinessStepId = isStepId(requested) ? requested : resumeAt;
  const index = stepIndex(current);
  const heading = useRef<HTMLHeadingElement>(null);
  const firstRender = useRef(true);

  // Each new step (or the end) is announced by moving focus to its heading.
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    heading.current?.focus();
  }, [current, finished]);

  const go = (id: BusinessStepId) => setParams({ step: id });
  const saved = (next: BusinessProfile) => queryClient.setQueryData(BUSINESS_PROFILE_KEY, next);
  const onFinished = (done: BusinessProfile) => {
    saved(done);
    setFinished(done);
    void queryClient.invalidateQueries({ queryKey: ME_KEY });
    void queryClient.invalidateQueries({ queryKey: ['profile', user.username] });
  };

  if (finished) {
    return (
      <div className="page narrow business-wizard">
        <h1 ref={heading} tabIndex={-1}>
          {finished.business_name ?? 'Your business'} is ready
        </h1>
        <p className="lead">
          You have a business account now: your profile shows your business name and picture, and Analytics
          shows how your pins do.
        </p>
        <div className="row">
          <Link className="button button-primary" to={`/user/${encodeURIComponent(user.username)}`}>
            See your profile
          </Link>
          <Link className="button" to="/analytics">
            Analytics
          </Link>
        </div>
      </div>
    );
  }

  const title =
    profile.account_type === 'PINNER'
      ? 'Convert to a business account'
      : profile.completed
        ? 'Edit your business profile'
        : 'Set up your business account';
  const step = BUSINESS_STEPS[index]!;
  const props: StepProps = {
    profile,
    options,
    saved,
    back: () => {
      const previous = BUSINESS_STEPS[index - 1];
      if (previous) go(previous.id);
    },
    next: () => {
      const following = BUSINESS_STEPS[index + 1];
      if (following) go(following.id);
    },
  };
  return (
    <div className="page narrow business-wizard">
      <p className="wizard-kicker">{title}</p>
      <Stepper steps={BUSINESS_STEPS} current={index} />
      <h1 ref={heading} tabIndex={-1}>
        {step.title}
      </h1>
      {current === 'name' && <NameStep key="name" {...props} />}
      {current === 'about' && <AboutStep key="about" {...props} />}
      {current === 'ads' && <AdsStep key="ads" {...props} />}
      {current === 'picture' && <PictureStep key="picture" {...props} />}
      {current === 'website' && <WebsiteStep key="website" {...props} onFinished={onFinished} go={go} />}
    </div>
  );
}

function Actions({
  back,
  children,
  busy,
  nextLabel = 'Next',
}: {
  back?: () => void;
  children?: ReactNode;
  busy: boolean;
  nextLabel?: string;
}) {
  return (
    <div className="wizard-actions">
      {back ? (
        <button type="button" className="button" onClick={back} disabled={busy}>
          Back
        </button>
      ) : (
        <span />
      )}
      <div className="wizard-actions-end">
        {children}
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Saving…' : nextLabel}
        </button>
      </div>
    </div>
  );
}

const NAME_FIELDS = ['business_name', 'language', 'country'] as const;

function NameStep({ profile, options, next, saved }: StepProps) {
  const saved1 = profile.steps.name;
  const browser = typeof navigator === 'undefined' ? [] : navigator.languages;
  const [name, setName] = useState(saved1?.business_name ?? profile.business_name ?? '');
  const [language, setLanguage] = useState(saved1?.language ?? defaultLanguage(options.languages, browser));
  const [country, setCountry] = useState(saved1?.country ?? defaultCountry(options.countries, browser));
  const [errors, setErrors] = useState<SplitError<(typeof NAME_FIELDS)[number]>>({ fields: {}, form: null });
  const save = useMutation({
    mutationFn: () =>
      apiSend<BusinessProfile>('PUT', '/api/business/profile/name', {
        business_name: name,
        language,
        country,
      }),
    onSuccess: (result) => {
      saved(result);
      next();
    },
    onError: (error) => setErrors(splitError(error, NAME_FIELDS)),
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const fields: SplitError<(typeof NAME_FIELDS)[number]>['fields'] = {};
    if (!name.trim()) fields.business_name = 'Enter the name of your business.';
    if (!country) fields.country = 'Choose the country of your business.';
    setErrors({ fields, form: null });
    if (Object.keys(fields).length === 0) save.mutate();
  };
  return (
    <form onSubmit={onSubmit} noValidate>
      <p className="lead">This is the name people see on your profile.</p>
      <Field
        label="Business name"
        name="business_name"
        autoComplete="organization"
        value={name}
        onChange={(event) => {
          setName(event.target.value);
          setErrors((current) => withoutField(current, 'business_name'));
        }}
        error={errors.fields.business_name}
        count={{ length: charCount(name), max: options.limits.business_name_max }}
      />
      <SelectField
        label="Language"
        value={language}
        onChange={(event) => setLanguage(event.target.value)}
        error={errors.fields.language}
      >
        {options.languages.map((choice) => (
          <option key={choice.code} value={choice.code}>
            {choice.name}
          </option>
        ))}
      </SelectField>
      <SelectField
        label="Country or region"
        value={country}
        onChange={(event) => {
          setCountry(event.target.value);
          setErrors((current) => withoutField(current, 'country'));
        }}
        error={errors.fields.country}
      >
        <option value="">Choose a country…</option>
        {options.countries.map((choice) => (
          <option key={choice.code} value={choice.code}>
            {choice.name}
          </option>
        ))}
      </SelectField>
      <FormError message={errors.form} />
      <Actions busy={save.isPending} />
    </form>
  );
}

const ABOUT_FIELDS = ['description', 'goals', 'promote'] as const;
const ABOUT_ALIASES = { ...indexAliases('goals'), ...indexAliases('promote') };

function AboutStep({ profile, options, next, back, saved }: StepProps) {
  const before = profile.steps.about;
  const [description, setDescription] = useState(before?.description ?? '');
  const [goals, setGoals] = useState<string[]>(before?.goals ?? []);
  const [promote, setPromote] = useState<string[]>(before?.promote ?? []);
  const [errors, setErrors] = useState<SplitError<(typeof ABOUT_FIELDS)[number]>>({
    fields: {},
    form: null,
  });
  const save = useMutation({
    mutationFn: () =>
      apiSend<BusinessProfile>('PUT', '/api/business/profile/about', { description, goals, promote }),
    onSuccess: (result) => {
      saved(result);
      next();
    },
    onError: (error) => setErrors(splitError(error, ABOUT_FIELDS, ABOUT_ALIASES)),
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const fields: SplitError<(typeof ABOUT_FIELDS)[number]>['fields'] = {};
    if (!description.trim()) fields.description = 'Say in a few words what your business is about.';
    if (goals.length === 0) fields.goals = 'Choose at least one goal.';
    if (promote.length === 0) fields.promote = 'Choose at least one thing to promote.';
    setErrors({ fields, form: null });
    if (Object.keys(fields).length === 0) save.mutate();
  };
  const toggle =
    (set: (update: (current: string[]) => string[]) => void) => (value: string, checked: boolean) =>
      set((current) => (checked ? [...current, value] : current.filter((item) => item !== value)));
  return (
    <form onSubmit={onSubmit} noValidate>
      <Field
        label="What is your business about?"
        name="description"
        multiline
        rows={4}
        value={description}
        onChange={(event) => {
          setDescription(event.target.value);
          setErrors((current) => withoutField(current, 'description'));
        }}
        error={errors.fields.description}
        count={{ length: charCount(description), max: options.limits.description_max }}
      />
      <ChoiceGroup
        legend="What are your goals on Corkboard?"
        type="checkbox"
        name="goals"
        choices={options.goals.map((value) => ({ value, label: choiceWords(value) }))}
        selected={goals}
        onChange={toggle(setGoals)}
        error={errors.fields.goals}
      />
      <ChoiceGroup
        legend="What do you want to promote?"
        type="checkbox"
        name="promote"
        choices={options.promote.map((value) => ({ value, label: choiceWords(value) }))}
        selected={promote}
        onChange={toggle(setPromote)}
        error={errors.fields.promote}
      />
      <FormError message={errors.form} />
      <Actions back={back} busy={save.isPending} />
    </form>
  );
}

function AdsStep({ profile, options, next, back, saved }: StepProps) {
  const [answer, setAnswer] = useState(profile.steps.ads?.ads_interest ?? '');
  const [error, setError] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: () => apiSend<BusinessProfile>('PUT', '/api/business/profile/ads', { ads_interest: answer }),
    onSuccess: (result) => {
      saved(result);
      next();
    },
    onError: (failure) => setError(messageOf(failure)),
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (!answer) {
      setError('Choose an answer.');
      return;
    }
    setError(null);
    save.mutate();
  };
  return (
    <form onSubmit={onSubmit} noValidate>
      <p className="lead">Ads help more people find your pins. You can decide later.</p>
      <ChoiceGroup
        legend="Are you interested in running ads?"
        type="radio"
        name="ads_interest"
        choices={options.ads_interest.map((value) => ({ value, label: choiceWords(value) }))}
        selected={[answer]}
        onChange={(value) => setAnswer(value)}
        error={error}
      />
      <Actions back={back} busy={save.isPending} />
    </form>
  );
}

/** "Invalid request: 'image_base64' is not an image (…)." → "This file is not an image (…)." */
function pictureError(message: string): string {
  const match = /^Invalid [a-z ]*:? ?'image_base64':? (.*)$/.exec(message);
  return match?.[1] ? `This file ${match[1]}` : message;
}

function PictureStep({ profile, options, next, back, saved }: StepProps) {
  const current = profile.steps.profile_picture;
  const [error, setError] = useState<string | null>(null);
  const [chosen, setChosen] = useState<string | null>(null);
  const upload = useMutation({
    mutationFn: (dataUrl: string) =>
      apiSend<BusinessProfile>('PUT', '/api/business/profile/picture', { image_base64: dataUrl }),
    onSuccess: (result) => {
      saved(result);
      setChosen(null);
    },
    onError: (failure) => {
      setChosen(null);
      setError(pictureError(messageOf(failure)));
    },
  });
  const onFile = async (file: File | undefined) => {
    setError(null);
    if (!file) return;
    try {
      const dataUrl = await readAsDataUrl(file);
      setChosen(file.name);
      upload.mutate(dataUrl);
    } catch (failure) {
      setError(messageOf(failure));
    }
  };
  const { picture_min_size: min, picture_size: size } = options.limits;
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        next();
      }}
      noValidate
    >
      <p className="lead">A logo or a photo that people recognise as your business.</p>
      <div className="picture-step">
        <span className="avatar avatar-large" aria-hidden={current ? undefined : true}>
          {current ? (
            <img src={current.url} alt="Your profile picture" width={size} height={size} />
          ) : (
            (profile.business_name ?? profile.steps.name?.business_name ?? '?').charAt(0).toUpperCase()
          )}
        </span>
        <div className="picture-step-input">
          <Field
            label={current ? 'Choose another picture' : 'Profile picture'}
            name="profile_picture"
            type="file"
            accept="image/jpeg,image/png,image/webp,image/gif"
            disabled={upload.isPending}
            onChange={(event) => {
              void onFile(event.target.files?.[0]);
              event.target.value = '';
            }}
            error={error}
            hint={`A JPEG, PNG, WebP or GIF image, at least ${min}×${min} pixels; it is cropped to a ${size}×${size} square.`}
          />
          {upload.isPending && (
            <p className="muted" role="status">
              Uploading {chosen}…
            </p>
          )}
          {current && !upload.isPending && !error && (
            <p className="notice-ok" role="status">
              Picture saved.
            </p>
          )}
        </div>
      </div>
      <Actions back={back} busy={upload.isPending} nextLabel={current ? 'Next' : 'Skip for now'} />
    </form>
  );
}

const METHODS = [
  { value: 'METATAG', label: 'Meta tag' },
  { value: 'FILENAME', label: 'HTML file' },
  { value: 'DNSTXT', label: 'DNS TXT record' },
] as const;

function WebsiteStep({
  profile,
  back,
  saved,
  onFinished,
  go,
}: StepProps & { onFinished: (profile: BusinessProfile) => void; go: (id: BusinessStepId) => void }) {
  const queryClient = useQueryClient();
  const site = profile.steps.website;
  const [url, setUrl] = useState(site?.website_url ?? '');
  const [urlError, setUrlError] = useState<string | null>(null);
  const [method, setMethod] = useState<string>('METATAG');
  const [finishError, setFinishError] = useState<string | null>(null);
  const verification = useWebsiteVerification(true);

  const saveWebsite = useMutation({
    mutationFn: (websiteUrl: string | null) =>
      apiSend<BusinessProfile>('PUT', '/api/business/profile/website', { website_url: websiteUrl }),
    onSuccess: (result) => {
      saved(result);
      setUrl(result.steps.website?.website_url ?? '');
    },
    onError: (error) =>
      setUrlError(splitError(error, ['website_url'] as const).fields.website_url ?? messageOf(error)),
  });
  const verify = useMutation({
    mutationFn: () =>
      apiSend<{ website: string }>('POST', '/api/websites', {
        website: site?.website,
        verification_method: method,
      }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: BUSINESS_PROFILE_KEY }),
  });
  const finish = useMutation({
    mutationFn: async (skip: boolean) => {
      const typed = url.trim();
      // Skipping keeps a website saved before; "Finish" saves what is typed first.
      if (skip ? !site : typed !== (site?.website_url ?? '')) {
        saved(
          await apiSend<BusinessProfile>('PUT', '/api/business/profile/website', {
            website_url: skip ? null : typed || null,
          }),
        );
      }
      return apiSend<BusinessProfile>('POST', '/api/business/profile/finish');
    },
    onSuccess: onFinished,
    onError: (error) => {
      const field = splitError(error, ['website_url'] as const).fields.website_url;
      if (field) setUrlError(field);
      else setFinishError(messageOf(error));
    },
  });

  const onSave = (event: FormEvent) => {
    event.preventDefault();
    setUrlError(null);
    verify.reset();
    if (!url.trim()) {
      setUrlError('Enter your website, like example.com or https://example.com/shop.');
      return;
    }
    saveWebsite.mutate(url.trim());
  };
  const busy = saveWebsite.isPending || finish.isPending;
  const missing = profile.missing_steps.find(isStepId);
  const codes = verification.data;
  const changed = url.trim() !== (site?.website_url ?? '');
  return (
    <>
      <p className="lead">
        Claim your website so your pins from it show your name and picture, and so Analytics can count them.
      </p>
      <form onSubmit={onSave} noValidate className="inline-website">
        <Field
          label="Website"
          name="website_url"
          type="url"
          inputMode="url"
          autoComplete="url"
          placeholder="example.com"
          value={url}
          onChange={(event) => {
            setUrl(event.target.value);
            setUrlError(null);
          }}
          error={urlError}
        />
        <button type="submit" className="button" disabled={busy}>
          {saveWebsite.isPending ? 'Saving…' : 'Save website'}
        </button>
      </form>

      <section className="verify-panel" aria-labelledby="verify-title">
        <h2 id="verify-title">Verify that it is yours</h2>
        {verification.isPending ? (
          <Loading label="Loading your verification code…" />
        ) : verification.isError ? (
          <ErrorMessage
            title="Could not load your verification code."
            error={verification.error}
            retry={() => void verification.refetch()}
          />
        ) : codes ? (
          <>
            <p>
              Your verification code: <code className="verification-code">{codes.verification_code}</code>
            </p>
            <p>Put the code on your site in one of these three ways, then press Verify.</p>
            <ol className="verify-methods">
              <li>
                <h3>Meta tag</h3>
                <p>Add this tag to the &lt;head&gt; of your home page:</p>
                <pre className="code-block">{codes.metatag}</pre>
              </li>
              <li>
                <h3>HTML file</h3>
                <p>
                  Upload a file named <code>{codes.filename}</code> to the root of your website
                  {site?.website ? (
                    <>
                      {' '}
                      (so it opens at{' '}
                      <code>
                        {site.website_url?.replace(/\/+$/, '')}/{codes.filename}
                      </code>
                      )
                    </>
                  ) : null}
                  , containing:
                </p>
                <pre className="code-block">{codes.file_content}</pre>
              </li>
              <li>
                <h3>DNS TXT record</h3>
                <p>Add a TXT record to your domain&apos;s DNS with this value:</p>
                <pre className="code-block">{codes.dns_txt_record}</pre>
              </li>
            </ol>
            {site?.claimed ? (
              <p className="notice-ok" role="status">
                ✓ {site.website} is claimed by your account.
              </p>
            ) : (
              <div className="verify-action">
                <ChoiceGroup
                  legend="How did you add the code?"
                  type="radio"
                  name="verification_method"
                  choices={METHODS.map((choice) => ({ value: choice.value, label: choice.label }))}
                  selected={[method]}
                  onChange={(value) => {
                    setMethod(value);
                    verify.reset();
                  }}
                />
                {site?.website && !changed ? (
                  <button
                    type="button"
                    className="button button-primary"
                    disabled={verify.isPending}
                    onClick={() => verify.mutate()}
                  >
                    {verify.isPending ? 'Verifying…' : `Verify ${site.website}`}
                  </button>
                ) : (
                  <p className="muted">Save your website first, then verify it.</p>
                )}
                {verify.isError && (
                  <p className="form-error" role="alert">
                    {messageOf(verify.error)}
                  </p>
                )}
              </div>
            )}
          </>
        ) : null}
      </section>

      <form
        onSubmit={(event) => {
          event.preventDefault();
          setFinishError(null);
          finish.mutate(false);
        }}
        noValidate
      >
        {finishError && (
          <div className="form-error" role="alert">
            <p>{finishError}</p>
            {missing && (
              <button type="button" className="link-button" onClick={() => go(missing)}>
                Go to the step “{BUSINESS_STEPS[stepIndex(missing)]!.label}”
              </button>
            )}
          </div>
        )}
        <Actions back={back} busy={busy} nextLabel={finish.isPending ? 'Finishing…' : 'Finish'}>
          {!site?.claimed && (
            <button
              type="button"
              className="button"
              disabled={busy}
              onClick={() => {
                setFinishError(null);
                finish.mutate(true);
              }}
            >
              Skip for now
            </button>
          )}
        </Actions>
      </form>
    </>
  );
}
