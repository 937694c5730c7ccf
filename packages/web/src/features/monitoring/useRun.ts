import { App } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { errorText } from '../../console/errors';

/** A monitoring action: message on success or failure, monitoring and notification queries refreshed. */
export function useRun<T, V = void>(key: string, fn: (v: V) => Promise<T>, done: (r: T) => string) {
  const { message } = App.useApp();
  const qc = useQueryClient();
  return useMutation({
    mutationKey: [key],
    mutationFn: fn,
    onSuccess: (r) => {
      void message.success(done(r));
      void qc.invalidateQueries({ queryKey: ['monitoring'] });
      void qc.invalidateQueries({ queryKey: ['notifications'] });
    },
    onError: (e) => void message.error(errorText(e)),
  });
}
