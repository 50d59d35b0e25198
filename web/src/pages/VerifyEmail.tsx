import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ME_KEY } from '../api/auth';
import { apiSend, messageOf } from '../api/client';
import type { SignedInUser } from '../api/types';
import { AuthCard } from '../components/AuthCard';
import { Loading } from '../components/States';

export default function VerifyEmail() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const queryClient = useQueryClient();
  const verify = useMutation({
    mutationFn: () => apiSend<SignedInUser>('POST', '/api/auth/verify-email', { token }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ME_KEY }),
  });
  const started = useRef(false);
  useEffect(() => {
    // The link is single use: verify once, even when React mounts the page twice in development.
    if (!token || started.current) return;
    started.current = true;
    verify.mutate();
  }, [token, verify]);

  return (
    <AuthCard title="Verify your email" footer={<Link to="/">Go to Corkboard</Link>}>
      {!token ? (
        <p role="alert" className="form-error">
          This page needs the link from your verification email.
        </p>
      ) : verify.isSuccess ? (
        <p role="status" className="notice">
          Thanks, {verify.data.username}: {verify.data.email ?? 'your address'} is verified.
        </p>
      ) : verify.isError ? (
        <p role="alert" className="form-error">
          Could not verify this address: {messageOf(verify.error)}
        </p>
      ) : (
        <Loading label="Verifying…" />
      )}
    </AuthCard>
  );
}
