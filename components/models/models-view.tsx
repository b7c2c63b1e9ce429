'use client';

import { useQuery } from '@tanstack/react-query';
import { usePathname, useRouter } from 'next/navigation';
import { useState } from 'react';
import type { TModelTemplate } from '@/lib/schemas/models';
import { Alert } from '@/components/ui/alert';
import { Field } from '@/components/ui/field';
import { Select } from '@/components/ui/input';
import { PageHeader } from '@/components/ui/page-header';
import { Tabs, TabsContent, TabsList, TabsTrigger } from '@/components/ui/tabs';
import { PresetsPanel } from './presets-panel';
import { ProviderCard } from './provider-card';
import { QuotaPanel } from './quota-panel';
import { scopeQuery, templatesQuery, type ScopeData } from './queries';
import { scopeLabel, scopeTree, type ScopeOption } from '@/lib/client/scope-tree';


interface Props {
  scopes: ScopeOption[];
  initial: ScopeData & { scope: string; templates: TModelTemplate[] };
  mayKeepPresets: boolean;
}

/** The /models page: providers at a scope, quotas and usage there, and the parameter presets. */
export function ModelsView({ scopes, initial, mayKeepPresets }: Props) {
  const router = useRouter();
  const pathname = usePathname();
  const [scope, setScope] = useState(initial.scope);
  const { data, error } = useQuery({ ...scopeQuery(scope), initialData: scope === initial.scope ? initial : undefined });
  const { data: templates } = useQuery({ ...templatesQuery, initialData: initial.templates });
  const tree = scopeTree(scopes);

  const choose = (id: string) => {
    setScope(id);
    router.replace(`${pathname}?scope=${encodeURIComponent(id)}`, { scroll: false });
  };

  return (
    <>
      <PageHeader
        title="AI models"
        description="Which provider and model each scope uses, with which parameters, and under which budget. Each value says where it comes from."
        actions={
          <Field id="models-scope" label="Scope">
            {(p) => (
              <Select {...p} value={scope} onChange={(e) => choose(e.target.value)} className="min-w-56">
                {tree.map(({ scope: s, depth }) => (
                  <option key={s.id} value={s.id}>
                    {scopeLabel({ scope: s, depth })}
                  </option>
                ))}
              </Select>
            )}
          </Field>
        }
      />
      {error && <Alert tone="danger" title="Could not load this scope">{(error as Error).message}</Alert>}
      {data && (
        <Tabs defaultValue="providers">
          <TabsList aria-label="Model views">
            <TabsTrigger value="providers">Providers</TabsTrigger>
            <TabsTrigger value="quotas">Quotas &amp; usage ({data.quotas.quotas.length})</TabsTrigger>
            <TabsTrigger value="presets">Presets ({templates.length})</TabsTrigger>
          </TabsList>
          <TabsContent value="providers" className="space-y-4">
            {data.models.allowedProviders && (
              <Alert tone="info" title="Restricted providers">
                “{data.models.restrictedAt}” allows only {data.models.allowedProviders.join(', ') || 'no provider'} here.
              </Alert>
            )}
            <div className="grid gap-4 lg:grid-cols-2">
              {data.models.providers.map((p) => (
                <ProviderCard key={p.provider} config={p} scope={scope} mayWrite={data.models.mayWrite} mayLimit={data.models.mayLimit} templates={templates} />
              ))}
            </div>
          </TabsContent>
          <TabsContent value="quotas">
            <QuotaPanel quotas={data.quotas.quotas} scope={scope} />
          </TabsContent>
          <TabsContent value="presets">
            <PresetsPanel templates={templates} mayWrite={mayKeepPresets} />
          </TabsContent>
        </Tabs>
      )}
    </>
  );
}
