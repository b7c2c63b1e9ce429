'use client';

import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api } from '@/lib/client/api';
import { explainReason } from '@/lib/client/flags';
import type { TFlagEvaluation, TFlagMatrix } from '@/lib/schemas/flags';
import type { TScope } from '@/lib/schemas/registry';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { Field } from '@/components/ui/field';
import { Input, Select } from '@/components/ui/input';
import { Skeleton } from '@/components/ui/skeleton';
import { FLAGS_QUERY, rowQuery } from './queries';

export type EventOption = Pick<TScope, 'id' | 'name' | 'parentId'>;
export interface UserOption {
  id: string;
  label: string;
}
export interface TesterContext {
  flag: string;
  tenant: string;
  event: string;
  userId: string;
  role: string;
}

/** The value after the user stops typing for a moment, so a request is not sent per keystroke. */
function useSettled<T>(value: T, ms = 300): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return settled;
}

/** "Evaluate as…": one flag for a tenant (or event), user id and role, answered as the API answers services. */
export function EvaluateTester({ matrix, events, users, value, onChange }: { matrix: TFlagMatrix; events: EventOption[]; users: UserOption[]; value: TesterContext; onChange(v: TesterContext): void }) {
  const set = (patch: Partial<TesterContext>) => onChange({ ...value, ...patch });
  // the chosen flag, or the first one when it was deleted (or none existed when the page opened)
  const flag = matrix.flags.some((f) => f.key === value.flag) ? value.flag : (matrix.flags[0]?.key ?? '');
  const tenantEvents = events.filter((e) => e.parentId === value.tenant);
  const scope = value.event || value.tenant;
  const scopeName = (id: string) => matrix.scopes.find((s) => s.id === id)?.name ?? events.find((e) => e.id === id)?.name ?? id;
  const userId = useSettled(value.userId.trim());
  const role = useSettled(value.role.trim());

  // seed 003 §10.4: evaluations are never cached on the client, so ask each time
  const evaluation = useQuery({
    queryKey: [...FLAGS_QUERY, 'evaluate', flag, scope, userId, role],
    queryFn: () => api.get<TFlagEvaluation>(`/flags/${encodeURIComponent(flag)}/evaluate`, { params: { scope, userId: userId || undefined, role: role || undefined } }),
    enabled: !!flag,
    staleTime: 0,
    gcTime: 0,
  });
  // the rule behind the answer, to explain it (absent for a flag not found there)
  const rule = useQuery({ ...rowQuery(flag, scope), enabled: !!flag, retry: false });
  const result = evaluation.data;

  return (
    <div className="grid grid-cols-1 items-start gap-6 lg:grid-cols-[minmax(0,22rem)_minmax(0,1fr)]">
      <Card aria-labelledby="tester-title">
        <CardHeader id="tester-title" title="Context" description="Who asks, and where: as a service would with an API token." />
        <CardBody className="space-y-4">
          <Field id="tester-flag" label="Flag">
            {(p) => (
              <Select {...p} value={flag} onChange={(e) => set({ flag: e.target.value })} className="font-mono">
                {matrix.flags.map((f) => (
                  <option key={f.key} value={f.key}>
                    {f.key}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <Field id="tester-tenant" label="Tenant">
            {(p) => (
              <Select {...p} value={value.tenant} onChange={(e) => set({ tenant: e.target.value, event: '' })}>
                {matrix.scopes.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.id === 'global' ? 'None (global)' : s.name}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          {tenantEvents.length > 0 && (
            <Field id="tester-event" label="Event">
              {(p) => (
                <Select {...p} value={value.event} onChange={(e) => set({ event: e.target.value })}>
                  <option value="">None (the tenant)</option>
                  {tenantEvents.map((e) => (
                    <option key={e.id} value={e.id}>
                      {e.name}
                    </option>
                  ))}
                </Select>
              )}
            </Field>
          )}
          <Field id="tester-user" label="User id" hint="The targeting key your application sends; rollouts and user lists need one.">
            {(p) => <Input {...p} value={value.userId} onChange={(e) => set({ userId: e.target.value })} list={users.length ? 'tester-users' : undefined} autoComplete="off" spellCheck={false} />}
          </Field>
          {users.length > 0 && (
            <datalist id="tester-users">
              {users.map((u) => (
                <option key={u.id} value={u.id} label={u.label} />
              ))}
            </datalist>
          )}
          <Field id="tester-role" label="Role" hint="As your application names it, e.g. VALIDATOR.">
            {(p) => <Input {...p} value={value.role} onChange={(e) => set({ role: e.target.value })} list="tester-roles" autoComplete="off" spellCheck={false} />}
          </Field>
          <datalist id="tester-roles">
            {rule.data?.enabledForRoles.map((r) => (
              <option key={r} value={r} />
            ))}
          </datalist>
        </CardBody>
      </Card>

      <Card aria-labelledby="result-title">
        <CardHeader id="result-title" title="Result" description={`${flag} at ${scopeName(scope)}`} />
        <CardBody aria-live="polite" aria-busy={evaluation.isFetching || undefined}>
          {evaluation.error ? (
            <Alert tone="danger">{evaluation.error.message}</Alert>
          ) : !result ? (
            <div className="space-y-3">
              <span className="sr-only">Evaluating…</span>
              <Skeleton className="h-8 w-32" />
              <Skeleton className="h-5" />
            </div>
          ) : (
            <div className="space-y-3">
              <p className="flex flex-wrap items-center gap-3">
                <span className={result.enabled ? 'text-2xl font-semibold text-emerald-700 dark:text-emerald-400' : 'text-2xl font-semibold text-zinc-700 dark:text-zinc-300'}>
                  {result.enabled ? 'Enabled' : 'Disabled'}
                </span>
                <Badge tone={result.enabled ? 'success' : 'neutral'}>{result.reason}</Badge>
              </p>
              <p className="text-sm">{explainReason(result.reason, { scopeName: scopeName(scope), userId: userId || undefined, role: role || undefined }, rule.data, rule.data && scopeName(rule.data.scope))}</p>
              {result.variant !== undefined && (
                <p className="text-sm">
                  Variant <code className="rounded bg-zinc-100 px-1 py-0.5 font-mono text-xs dark:bg-zinc-800">{result.variant}</code> with value{' '}
                  <code className="rounded bg-zinc-100 px-1 py-0.5 font-mono text-xs break-all dark:bg-zinc-800">{JSON.stringify(result.value)}</code>
                </p>
              )}
              <p className="text-xs text-zinc-600 dark:text-zinc-400">
                Same answer as <code className="font-mono break-all">GET /api/v1/flags/{flag}/evaluate</code>. Testing counts as an evaluation for the stale-flags view.
              </p>
            </div>
          )}
        </CardBody>
      </Card>
    </div>
  );
}
