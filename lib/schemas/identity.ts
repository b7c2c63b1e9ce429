import { z } from 'zod';
import { ROLES } from '@/lib/auth/policy';
import { ZIsoTime, ZPaging, ZScopeId } from './common';

/** Users, role bindings and API tokens (API.md "Users, roles, tokens"). */

export const ZPassword = z.string().min(12, 'must be at least 12 characters').max(1024);
const ZName = z.string().trim().min(1).max(200);

export const ZRoleBinding = z.strictObject({ role: z.enum(ROLES), scopeId: ZScopeId });
export type TRoleBinding = z.infer<typeof ZRoleBinding>;

export const ZCreateUserBody = z.strictObject({
  email: z.email().max(254),
  name: ZName,
  password: ZPassword,
  roles: z.array(ZRoleBinding).max(100).default([]),
});
export type TCreateUser = z.output<typeof ZCreateUserBody>;

export const ZUpdateUserBody = z.strictObject({
  name: ZName.optional(),
  password: ZPassword.optional(),
  disabled: z.boolean().optional(),
  roles: z.array(ZRoleBinding).max(100).optional().describe('replaces the roles within your reach; roles elsewhere stay'),
});
export type TUpdateUser = z.output<typeof ZUpdateUserBody>;

export const ZUserListQuery = z.strictObject({
  q: z.string().max(200).optional().describe('part of the email or name'),
  scopeId: ZScopeId.optional().describe('only users holding a role at this scope'),
  ...ZPaging,
});

export const ZUser = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  disabled: z.boolean(),
  roles: z.array(ZRoleBinding),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type TUser = z.infer<typeof ZUser>;
export const ZMe = z.object({ user: ZUser.omit({ roles: true }), roles: z.array(ZRoleBinding) });
export type TMe = z.infer<typeof ZMe>;

export const ZIssueTokenBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  expiresAt: ZIsoTime.optional(),
  userId: z.string().min(1).max(64).optional().describe('platform admins: a service token acting as this user'),
});
export const ZTokenListQuery = z.strictObject({ userId: z.string().min(1).max(64).optional(), ...ZPaging });

export const ZIssuedToken = z.object({ id: z.string(), name: z.string(), token: z.string(), prefix: z.string(), expiresAt: z.string().nullable() });
export type TIssuedToken = z.infer<typeof ZIssuedToken>;
export const ZTokenInfo = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  userId: z.string(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  createdAt: z.string(),
});
export type TTokenInfo = z.infer<typeof ZTokenInfo>;
