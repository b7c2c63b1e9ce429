import { useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/client/api';
import type { TFlagAtScope } from '@/lib/schemas/flags';

/** Everything the flags page fetches lives under one key, so any write refreshes all of it (matrix, rows, history, evaluations). */
export const FLAGS_QUERY = ['flags'];
export const MATRIX_QUERY = [...FLAGS_QUERY, 'matrix'];

/** The flag effective at a scope (its own row, or the inherited one). */
export const rowQuery = (key: string, scope: string) => ({
  queryKey: [...FLAGS_QUERY, 'row', key, scope],
  queryFn: () => api.get<TFlagAtScope>(`/flags/${encodeURIComponent(key)}`, { params: { scope } }),
});

export function useRefreshFlags() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: FLAGS_QUERY });
}
