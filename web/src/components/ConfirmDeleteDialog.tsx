import { useMutation } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { apiSend, messageOf } from '../api/client';
import { FormError } from './AuthCard';
import { Dialog } from './Dialog';

/**
 * "Delete this …?" with Cancel and a red Delete button: sends DELETE to `path`, shows the
 * server's refusal in words, and runs `onDeleted` (forget caches, navigate away) once it is gone.
 */
export function ConfirmDeleteDialog({
  open,
  onClose,
  title,
  noun,
  path,
  onDeleted,
  children,
}: {
  open: boolean;
  onClose: () => void;
  title: string;
  /** What goes, for the button and the error: "pin", "board". */
  noun: string;
  /** The API path DELETE is sent to. */
  path: string;
  onDeleted: () => Promise<void> | void;
  /** What deleting does, in words. */
  children: ReactNode;
}) {
  const remove = useMutation({ mutationFn: () => apiSend('DELETE', path), onSuccess: onDeleted });
  return (
    <Dialog open={open} title={title} onClose={onClose}>
      {children}
      {remove.isError && <FormError message={`Could not delete the ${noun}: ${messageOf(remove.error)}`} />}
      <div className="row">
        <button type="button" className="button" onClick={onClose}>
          Cancel
        </button>
        <button
          type="button"
          className="button button-danger"
          disabled={remove.isPending}
          onClick={() => remove.mutate()}
        >
          {remove.isPending ? 'Deleting…' : `Delete ${noun}`}
        </button>
      </div>
    </Dialog>
  );
}
