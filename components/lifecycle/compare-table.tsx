'use client';

import type { TCompareAnswer, TCompareItem } from '@/lib/schemas/compare';
import { compactJson } from '@/components/audit/format';
import { Badge, type BadgeTone } from '@/components/ui/badge';
import { EmptyState } from '@/components/ui/empty-state';
import { Table, TBody, Td, Th, THead, Tr } from '@/components/ui/table';

export interface Selection {
  keys: Set<string>;
  flags: Set<string>;
}

type Status = TCompareItem['status'];
const TONE: Record<Status, BadgeTone> = { same: 'neutral', different: 'warning', onlyLeft: 'info', onlyRight: 'info' };
const LABEL: Record<Status, string> = { same: 'same', different: 'different', onlyLeft: 'only left', onlyRight: 'only right' };
const HIGHLIGHT = 'bg-amber-50/70 dark:bg-amber-950/30';

const toggle = (set: Set<string>, key: string, on: boolean) => {
  const next = new Set(set);
  if (on) next.add(key);
  else next.delete(key);
  return next;
};

/** The settings and flags of a comparison; rows that differ are highlighted and may be chosen for promotion. */
export function CompareTable({ answer, onlyDiff, selected, onSelect }: { answer: TCompareAnswer; onlyDiff: boolean; selected: Selection; onSelect: (s: Selection) => void }) {
  const settings = answer.settings.filter((s) => !onlyDiff || s.status !== 'same');
  const flags = answer.flags.filter((f) => !onlyDiff || f.status !== 'same');
  if (settings.length + flags.length === 0) return <EmptyState title="No differences" description={`Every key resolves to the same value at ${answer.left.id} and ${answer.right.id}.`} />;
  const choosable = settings.filter((s) => s.status !== 'same');
  const allOn = choosable.length > 0 && choosable.every((s) => selected.keys.has(s.key));
  return (
    <Table aria-label={`Comparison of ${answer.left.id} and ${answer.right.id}`}>
      <THead>
        <tr>
          <Th className="w-8">
            <input
              type="checkbox"
              aria-label="Choose every different setting"
              checked={allOn}
              disabled={choosable.length === 0}
              onChange={(e) => onSelect({ ...selected, keys: e.target.checked ? new Set(choosable.map((s) => s.key)) : new Set() })}
            />
          </Th>
          <Th>Key</Th>
          <Th>{answer.left.id}</Th>
          <Th>{answer.right.id}</Th>
          <Th className="hidden sm:table-cell">Status</Th>
        </tr>
      </THead>
      <TBody>
        {settings.map((s) => (
          <Tr key={s.key} className={s.status === 'same' ? undefined : HIGHLIGHT} data-status={s.status}>
            <Td>
              <input
                type="checkbox"
                aria-label={`Promote ${s.key}`}
                checked={selected.keys.has(s.key)}
                disabled={s.status === 'same'}
                onChange={(e) => onSelect({ ...selected, keys: toggle(selected.keys, s.key, e.target.checked) })}
              />
            </Td>
            <Td className="sm:min-w-40">
              <span className="font-mono text-xs break-all">{s.key}</span>
              <span className="block text-xs text-zinc-600 dark:text-zinc-400">{s.label}</span>
              <Badge tone={TONE[s.status]} className="mt-1 sm:hidden">
                {LABEL[s.status]}
              </Badge>
            </Td>
            <Side side={s.left} />
            <Side side={s.right} />
            <StatusCell status={s.status} />
          </Tr>
        ))}
        {flags.map((f) => (
          <Tr key={`flag:${f.key}`} className={f.status === 'same' ? undefined : HIGHLIGHT} data-status={f.status}>
            <Td>
              <input
                type="checkbox"
                aria-label={`Promote flag ${f.key}`}
                checked={selected.flags.has(f.key)}
                disabled={f.status === 'same' || !f.left}
                onChange={(e) => onSelect({ ...selected, flags: toggle(selected.flags, f.key, e.target.checked) })}
              />
            </Td>
            <Td className="sm:min-w-40">
              <span className="font-mono text-xs break-all">{f.key}</span>
              <span className="block text-xs text-zinc-600 dark:text-zinc-400">flag</span>
              <Badge tone={TONE[f.status]} className="mt-1 sm:hidden">
                {LABEL[f.status]}
              </Badge>
            </Td>
            <FlagSide side={f.left} />
            <FlagSide side={f.right} />
            <StatusCell status={f.status} />
          </Tr>
        ))}
      </TBody>
    </Table>
  );
}

const StatusCell = ({ status }: { status: Status }) => (
  <Td className="hidden sm:table-cell">
    <Badge tone={TONE[status]}>{LABEL[status]}</Badge>
  </Td>
);

/** A resolved value and where it comes from: "from lifecycle-a (tenant)", "from global", "from default". */
function Side({ side }: { side: TCompareItem['left'] }) {
  const where = side.resolvedScopeId ?? side.resolvedFrom;
  return (
    <Td className="min-w-20 sm:min-w-32">
      <span className="font-mono text-xs break-all">{compactJson(side.value, 60)}</span>
      <span className="block text-xs text-zinc-600 dark:text-zinc-400">
        from {where}
        {where !== side.resolvedFrom && ` (${side.resolvedFrom})`}
        {side.locked && ' · locked'}
      </span>
    </Td>
  );
}

function FlagSide({ side }: { side: TCompareAnswer['flags'][number]['left'] }) {
  return (
    <Td className="min-w-20 sm:min-w-32">
      {side ? (
        <>
          <span className="text-xs font-medium">{side.enabled ? 'on' : 'off'}</span>
          <span className="block text-xs text-zinc-600 dark:text-zinc-400">row at {side.scope}</span>
        </>
      ) : (
        <span className="text-xs text-zinc-500">no row</span>
      )}
    </Td>
  );
}
