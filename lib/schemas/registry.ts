import { z } from 'zod';
import { ZPaging, ZScopeId } from './common';
import { ZDefinition, ZLevelKey } from './definition';

/** Hierarchy levels, scopes, definitions and catalogs (API.md "Hierarchy and scopes", "Definitions"). */

export const ZLevelBody = z.strictObject({ key: ZLevelKey, label: z.string().trim().min(1).max(100), parentKey: ZLevelKey });
export const ZLevel = z.object({ key: z.string(), label: z.string(), parentKey: z.string().nullable(), position: z.number() });
export type TLevel = z.infer<typeof ZLevel>;

export const ZScopeListQuery = z.strictObject({ level: ZLevelKey.optional(), parentId: ZScopeId.optional(), ...ZPaging });
export const ZCreateScopeBody = z.strictObject({
  id: ZScopeId.optional().describe('generated when left out'),
  level: ZLevelKey,
  parentId: ZScopeId,
  name: z.string().trim().min(1).max(200),
});
export const ZScope = z.object({ id: z.string(), level: z.string(), parentId: z.string().nullable(), name: z.string(), createdAt: z.string() });
export type TScope = z.infer<typeof ZScope>;

export const ZDefinitionListQuery = z.strictObject({ category: z.string().max(100).optional(), ...ZPaging });
/** Definitions written through the API always get source `ui`. */
export const ZDefinitionBody = ZDefinition.omit({ source: true });
export const ZDefinitionUpdateBody = ZDefinitionBody.partial({ key: true });

export const ZCategorySummary = z.object({ key: z.string(), label: z.string(), description: z.string(), security: z.boolean(), count: z.number() });
export const ZCatalogSummary = z.object({ name: z.string(), title: z.string(), description: z.string(), definitions: z.number() });
export type TCategorySummary = z.infer<typeof ZCategorySummary>;
export type TCatalogSummary = z.infer<typeof ZCatalogSummary>;
