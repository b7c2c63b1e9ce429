'use client';

import { useState } from 'react';
import { toast } from 'sonner';
import { api } from '@/lib/client/api';
import { sourceLabel } from '@/lib/client/models';
import type { TModelConfig, TModelTemplate } from '@/lib/schemas/models';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { Dialog, DialogContent } from '@/components/ui/dialog';
import { ModelForm } from './model-form';
import { useRefreshModels } from './queries';
import { Writable } from '@/components/shell/live-context';

function Source({ from, scopeId, here }: { from: string; scopeId: string | null; here: string }) {
  const label = sourceLabel(from, scopeId, here);
  return <Badge tone={label === 'set here' ? 'info' : label === 'preset' ? 'warning' : 'neutral'}>{label}</Badge>;
}

const show = (v: unknown) => (Array.isArray(v) ? v.map((x) => JSON.stringify(x)).join(', ') || '—' : v === null || v === undefined ? '—' : String(v));

/** One provider at a scope: status, model, key, base URL and every parameter, each with where it comes from. */
export function ProviderCard({ config, scope, mayWrite, mayLimit, templates }: { config: TModelConfig; scope: string; mayWrite: boolean; mayLimit: boolean; templates: TModelTemplate[] }) {
  const refresh = useRefreshModels();
  const [editing, setEditing] = useState(false);
  const [reverting, setReverting] = useState(false);
  const headingId = `provider-${config.provider}`;
  const model = config.models.find((m) => m.id === config.model.value);
  const locked = config.lockedAt && config.lockedAt !== scope;

  async function revert() {
    setReverting(true);
    try {
      await api.delete(`/models/${config.provider}`, { params: { scope } });
      toast.success(`${config.label}: ${scope} inherits again`);
      await refresh();
    } catch (e) {
      toast.error((e as Error).message);
    } finally {
      setReverting(false);
    }
  }

  return (
    <Card aria-labelledby={headingId} data-testid={`provider-${config.provider}`}>
      <CardHeader
        id={headingId}
        title={
          <span className="flex flex-wrap items-center gap-2">
            {config.label}
            <Badge tone={config.status.value === 'active' ? 'success' : 'neutral'}>{config.status.value}</Badge>
            {!config.allowed && <Badge tone="danger">not allowed here</Badge>}
            {config.lockedAt && <Badge tone="warning">locked at {config.lockedAt}</Badge>}
          </span>
        }
        description={config.status.resolvedFrom === 'default' ? 'Not configured: off until someone activates it' : `Status ${sourceLabel(config.status.resolvedFrom, config.status.scopeId, scope)}`}
        actions={
          mayWrite &&
          !locked && (
            <Writable>
              {config.own && (
                <Button size="sm" variant="ghost" pending={reverting} onClick={revert}>
                  Use inherited
                </Button>
              )}
              <Button size="sm" onClick={() => setEditing(true)}>
                Edit
              </Button>
            </Writable>
          )
        }
      />
      <CardBody className="space-y-3 text-sm">
        <dl className="grid grid-cols-[auto_1fr_auto] items-baseline gap-x-3 gap-y-1.5">
          <dt className="text-zinc-600 dark:text-zinc-400">Model</dt>
          <dd className="min-w-0 font-medium break-words">{model?.label ?? config.model.value} <span className="font-mono text-xs text-zinc-500">{config.model.value}</span></dd>
          <dd><Source from={config.model.resolvedFrom} scopeId={config.model.scopeId} here={scope} /></dd>
          <dt className="text-zinc-600 dark:text-zinc-400">Preset</dt>
          <dd className="min-w-0">{config.preset.value ?? '—'}</dd>
          <dd>{config.preset.value && <Source from={config.preset.resolvedFrom} scopeId={config.preset.scopeId} here={scope} />}</dd>
          <dt className="text-zinc-600 dark:text-zinc-400">Base URL</dt>
          <dd className="min-w-0 font-mono text-xs break-all">{config.baseUrl.value ?? 'not set'}</dd>
          <dd><Source from={config.baseUrl.resolvedFrom} scopeId={config.baseUrl.scopeId} here={scope} /></dd>
          <dt className="text-zinc-600 dark:text-zinc-400">API key</dt>
          <dd className="min-w-0 font-mono text-xs">{config.apiKey.value ?? 'none'}</dd>
          <dd>{config.apiKey.value && <Source from={config.apiKey.resolvedFrom} scopeId={config.apiKey.scopeId} here={scope} />}</dd>
        </dl>
        <table className="w-full text-left text-sm" aria-label={`${config.label} parameters`}>
          <thead className="text-xs text-zinc-600 dark:text-zinc-400">
            <tr>
              <th className="py-1 font-medium">Parameter</th>
              <th className="py-1 font-medium">Value</th>
              <th className="py-1 text-right font-medium">From</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
            {Object.entries(config.parameters).map(([name, p]) => (
              <tr key={name}>
                <td className="py-1 font-mono text-xs">{name}</td>
                <td className="py-1">{show(p.value)}</td>
                <td className="py-1 text-right">
                  <Source from={p.resolvedFrom} scopeId={p.scopeId} here={scope} />
                  {p.preset && <span className="sr-only"> ({p.preset})</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </CardBody>
      <Dialog open={editing} onOpenChange={setEditing}>
        <DialogContent title={`${config.label} at ${scope}`} description="Leave a field empty to inherit it from the scope above." className="max-w-2xl">
          <ModelForm config={config} scope={scope} mayLimit={mayLimit} templates={templates.filter((t) => t.provider === config.provider)} onDone={() => setEditing(false)} />
        </DialogContent>
      </Dialog>
    </Card>
  );
}
