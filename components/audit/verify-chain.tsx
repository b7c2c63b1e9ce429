'use client';

import { useMutation } from '@tanstack/react-query';
import { api } from '@/lib/client/api';
import type { TAuditVerify } from '@/lib/schemas/audit';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';

/** Recomputes the audit hash chain end to end (platform admins) and says what it found. */
export function VerifyChain() {
  const verify = useMutation({ mutationFn: () => api.get<TAuditVerify>('/audit/verify') });
  const v = verify.data;
  return (
    <span className="inline-flex flex-wrap items-center gap-2">
      <Button size="sm" pending={verify.isPending} onClick={() => verify.mutate()}>
        Verify chain
      </Button>
      <span role="status">
        {v?.valid === true && <Badge tone="success">Chain valid · {v.checked.toLocaleString('en')} entries checked</Badge>}
        {v?.valid === false && <Badge tone="danger">Chain broken at entry {v.brokenAt} · {v.checked.toLocaleString('en')} checked before it</Badge>}
        {verify.isError && <Badge tone="danger">Could not verify: {verify.error.message}</Badge>}
      </span>
    </span>
  );
}
