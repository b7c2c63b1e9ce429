import { useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/client/api';
import type { TModelList, TModelTemplate, TQuotaStatus } from '@/lib/schemas/models';

/** Everything the models page fetches lives under one key, so any write refreshes all of it. */
export const MODELS_QUERY = ['models'];

export interface ScopeData {
  models: TModelList;
  quotas: { scope: string; quotas: TQuotaStatus[] };
}

export const scopeQuery = (scope: string) => ({
  queryKey: [...MODELS_QUERY, 'scope', scope],
  queryFn: async (): Promise<ScopeData> => {
    const [models, quotas] = await Promise.all([api.get<TModelList>('/models', { params: { scope } }), api.get<ScopeData['quotas']>('/models/quotas', { params: { scope } })]);
    return { models, quotas };
  },
});

export const templatesQuery = {
  queryKey: [...MODELS_QUERY, 'templates'],
  queryFn: async () => (await api.get<{ templates: TModelTemplate[] }>('/models/templates')).templates,
};

export function useRefreshModels() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: MODELS_QUERY });
}
