import { z } from 'zod';
import { ZScopeId } from './api';
import { ZSettingKey } from './definition';
import { ZFlagKey } from './flags';

/** Compare two scopes and promote values from one to the other (API.md "Export, import, backups, versions"). */

export const ZCompareQuery = z.strictObject({
  left: ZScopeId,
  right: ZScopeId,
  category: z.string().max(100).optional(),
});

export const COMPARE_STATUSES = ['same', 'different', 'onlyLeft', 'onlyRight'] as const;
export const ZCompareStatus = z.enum(COMPARE_STATUSES).describe('onlyLeft / onlyRight: configured (not the default) on that side only, and different');

const ZSide = z.object({
  value: z.unknown().describe('secrets as "********"'),
  resolvedFrom: z.string(),
  resolvedScopeId: z.string().nullable(),
  locked: z.boolean(),
});

export const ZCompareItem = z.object({
  key: z.string(),
  label: z.string(),
  category: z.string(),
  left: ZSide,
  right: ZSide,
  status: ZCompareStatus,
});
export type TCompareItem = z.infer<typeof ZCompareItem>;

const ZFlagSide = z.object({ enabled: z.boolean(), scope: z.string() }).nullable();
export const ZCompareFlag = z.object({ key: z.string(), left: ZFlagSide, right: ZFlagSide, status: ZCompareStatus });

export const ZCompareAnswer = z.object({
  left: z.object({ id: z.string(), level: z.string() }),
  right: z.object({ id: z.string(), level: z.string() }),
  settings: z.array(ZCompareItem),
  flags: z.array(ZCompareFlag).describe('effective flag rows (not with category)'),
  summary: z.record(ZCompareStatus, z.number()),
});
export type TCompareAnswer = z.infer<typeof ZCompareAnswer>;

export const ZPromoteBody = z.strictObject({
  from: ZScopeId,
  to: ZScopeId,
  keys: z.array(ZSettingKey).max(5000).default([]).describe('settings whose resolved value at `from` becomes an override at `to`'),
  flags: z.array(ZFlagKey).max(1000).default([]).describe('flags whose effective row at `from` becomes a row at `to`'),
  reason: z.string().trim().max(1000).optional(),
});
export type TPromoteBody = z.output<typeof ZPromoteBody>;
