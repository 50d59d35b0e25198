import type { ReactNode } from 'react';

/** The centred card of the sign-up, log-in and password pages. */
export function AuthCard({
  title,
  children,
  footer,
}: {
  title: string;
  children: ReactNode;
  footer?: ReactNode;
}) {
  return (
    <div className="page auth-page">
      <section className="auth-card" aria-labelledby="auth-title">
        <span className="brand-mark large" aria-hidden="true">
          C
        </span>
        <h1 id="auth-title">{title}</h1>
        {children}
        {footer && <div className="auth-footer">{footer}</div>}
      </section>
    </div>
  );
}

export function FormError({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <p className="form-error" role="alert">
      {message}
    </p>
  );
}
