import 'server-only';
import { z } from 'zod';
import {
  ZCreateUserBody,
  ZIssuedToken,
  ZIssueTokenBody,
  ZMe,
  ZSessionsEnded,
  ZTokenInfo,
  ZTokenListQuery,
  ZUpdateUserBody,
  ZUser,
  ZUserListQuery,
} from '@/lib/schemas/identity';
import { route } from '../router';
import { getMe, getUser, listUsers } from '@/lib/services/identity/read';
import { issueToken, listTokens, renewToken, revokeToken } from '@/lib/services/identity/tokens';
import { signOutEverywhere } from '@/lib/services/identity/sessions';
import { createUser, updateUser } from '@/lib/services/identity/write';

const tags = ['Users and tokens'];

export const identityRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/me',
    summary: 'The caller and their roles',
    tags,
    response: ZMe,
    handler: ({ app, principal }) => getMe(app, principal),
  }),
  route({
    method: 'DELETE',
    path: '/api/v1/me/sessions',
    duringMaintenance: true,
    summary: "Sign out everywhere: end every browser session of the caller at once (API tokens are not affected)",
    tags,
    response: ZSessionsEnded,
    handler: ({ app, principal, change }) => signOutEverywhere(app, principal, change),
  }),
  route({
    method: 'POST',
    path: '/api/v1/users',
    summary: 'Create a user with roles (platform admins anywhere, tenant admins inside their tenant)',
    tags,
    body: ZCreateUserBody,
    response: ZUser,
    successStatus: 201,
    errors: ['SCOPE_NOT_FOUND', 'CONFLICT'],
    handler: ({ app, principal, body, change }) => createUser(app, principal, body, change),
  }),
  route({
    method: 'GET',
    path: '/api/v1/users',
    summary: 'Users the caller may see (tenant admins: those holding a role in their tenant)',
    tags,
    query: ZUserListQuery,
    response: z.object({ users: z.array(ZUser), total: z.number() }),
    handler: ({ app, principal, query }) => listUsers(app, principal, query),
  }),
  route({
    method: 'GET',
    path: '/api/v1/users/:id',
    summary: 'One user (`me` for the caller)',
    tags,
    response: ZUser,
    errors: ['NOT_FOUND'],
    handler: ({ app, principal, params }) => getUser(app, principal, params.id),
  }),
  route({
    method: 'PATCH',
    path: '/api/v1/users/:id',
    summary: 'Change name, password, disabled or roles (roles replace those within your reach); users may change their own name and password',
    tags,
    body: ZUpdateUserBody,
    response: ZUser,
    errors: ['NOT_FOUND', 'SCOPE_NOT_FOUND'],
    handler: ({ app, principal, params, body, change }) => updateUser(app, principal, params.id, body, change),
  }),
  route({
    method: 'POST',
    path: '/api/v1/tokens',
    summary: 'Issue an API token (shown once; expires within auth.tokenMaxLifetimeDays, default 90 days, and never after the token making the request); platform admins may issue one acting as another user',
    tags,
    body: ZIssueTokenBody,
    response: ZIssuedToken,
    successStatus: 201,
    errors: ['NOT_FOUND'],
    handler: ({ app, principal, body, change }) =>
      issueToken(app, principal, { ...body, expiresAt: body.expiresAt ? new Date(body.expiresAt) : undefined }, change),
  }),
  route({
    method: 'GET',
    path: '/api/v1/tokens',
    summary: "The caller's tokens (platform admins: any user's with ?userId=)",
    tags,
    query: ZTokenListQuery,
    response: z.object({ tokens: z.array(ZTokenInfo), total: z.number() }),
    handler: ({ app, principal, query }) => listTokens(app, principal, query),
  }),
  route({
    method: 'POST',
    path: '/api/v1/tokens/:id/renew',
    summary: 'Move a live token\'s expiry to the latest allowed: auth.tokenMaxLifetimeDays ahead, never past the token making the request',
    tags,
    response: ZTokenInfo,
    errors: ['NOT_FOUND', 'CONFLICT'],
    handler: ({ app, principal, params, change }) => renewToken(app, principal, params.id, change),
  }),
  route({
    method: 'DELETE',
    path: '/api/v1/tokens/:id',
    summary: 'Revoke a token; it stops working at once',
    tags,
    response: z.object({ revoked: z.literal(true), token: ZTokenInfo }),
    errors: ['NOT_FOUND'],
    handler: async ({ app, principal, params, change }) => ({ revoked: true, token: await revokeToken(app, principal, params.id, change) }),
  }),
];
