'use client';

import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '@/lib/client/api';
import { staleFlags } from '@/lib/client/flags';
import type { TFlagMatrix } from '@/lib/schemas/flags';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { Dialog, DialogContent } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { useReadOnly } from '@/components/shell/live-context';
import { Tabs, TabsContent, TabsList, TabsTrigger } from '@/components/ui/tabs';
import { EvaluateTester, type EventOption, type TesterContext, type UserOption } from './evaluate-tester';
import { FlagDrawer } from './flag-drawer';
import { FlagForm } from './flag-form';
import { FlagMatrix } from './flag-matrix';
import { MATRIX_QUERY } from './queries';
import { StaleFlags, STALE_DAYS } from './stale-flags';

interface Props {
  initialMatrix: TFlagMatrix;
  mayWrite: boolean;
  events: EventOption[];
  users: UserOption[];
}

type Tab = 'matrix' | 'evaluate' | 'stale';

/** The flags page: the matrix, an "evaluate as…" tester and cleanup candidates, with one detail panel for a flag. */
export function FlagsView({ initialMatrix, mayWrite: mayChange, events, users }: Props) {
  // in maintenance mode whoever does not work through it sees the flags read-only (the API refuses anyway)
  const { readOnly } = useReadOnly();
  const mayWrite = mayChange && !readOnly;
  // one clock for the page's expiry and staleness, so they agree with each other
  const [now] = useState(Date.now);
  const { data: matrix } = useQuery({ queryKey: MATRIX_QUERY, queryFn: () => api.get<TFlagMatrix>('/flags/matrix'), initialData: initialMatrix });
  const [tab, setTab] = useState<Tab>('matrix');
  const [open, setOpen] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [staleDays, setStaleDays] = useState(STALE_DAYS);
  const [tester, setTester] = useState<TesterContext>({ flag: matrix.flags[0]?.key ?? '', tenant: 'global', event: '', userId: '', role: '' });
  const stale = staleFlags(matrix.flags, staleDays, now);
  const staleCount = stale.expired.length + stale.idle.length;

  const evaluateAs = (key: string) => {
    setTester((t) => ({ ...t, flag: key }));
    setOpen(null);
    setTab('evaluate');
  };

  return (
    <>
      <PageHeader
        title="Feature flags"
        description={
          mayWrite
            ? 'Each flag at global and in every tenant. Switch a tenant in place; global changes ask first.'
            : 'Each flag at global and in your tenants. Only platform admins change flags.'
        }
        actions={
          mayWrite && (
            <Button variant="primary" onClick={() => setCreating(true)}>
              New flag
            </Button>
          )
        }
      />

      {matrix.flags.length === 0 ? (
        <Card>
          <EmptyState
            title="No feature flags yet"
            description={mayWrite ? 'Create one with New flag: it starts off, at global.' : 'Platform admins create flags; they will show here.'}
          />
        </Card>
      ) : (
        <Tabs value={tab} onValueChange={(t) => setTab(t as Tab)}>
          <TabsList aria-label="Flag views">
            <TabsTrigger value="matrix">Matrix</TabsTrigger>
            <TabsTrigger value="evaluate">Evaluate as…</TabsTrigger>
            <TabsTrigger value="stale">
              Stale flags
              {staleCount > 0 && (
                <Badge tone="warning" className="ml-1.5">
                  {staleCount}
                </Badge>
              )}
            </TabsTrigger>
          </TabsList>
          <TabsContent value="matrix">
            <FlagMatrix matrix={matrix} mayWrite={mayWrite} now={now} onOpen={setOpen} />
          </TabsContent>
          <TabsContent value="evaluate">
            <EvaluateTester matrix={matrix} events={events} users={users} value={tester} onChange={setTester} />
          </TabsContent>
          <TabsContent value="stale">
            <StaleFlags {...stale} days={staleDays} onDaysChange={setStaleDays} now={now} onOpen={setOpen} />
          </TabsContent>
        </Tabs>
      )}

      <FlagDrawer key={open} flag={matrix.flags.find((f) => f.key === open)} matrix={matrix} mayWrite={mayWrite} now={now} onOpen={setOpen} onClose={() => setOpen(null)} onEvaluate={evaluateAs} />

      <Dialog open={creating} onOpenChange={setCreating}>
        {creating && (
          <DialogContent title="New flag" description="Created at global, off unless you switch it on. Tenants inherit it until they get their own row." className="max-w-2xl">
            <FlagForm
              flags={matrix.flags}
              onDone={(key) => {
                setCreating(false);
                setOpen(key);
              }}
            />
          </DialogContent>
        )}
      </Dialog>
    </>
  );
}
