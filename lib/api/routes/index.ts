import 'server-only';
import { openApiDocumentFor, type OpenApiDocument } from '../openapi';
import { Router, type AnyRoute } from '../router';
import { setupRoutes } from './setup';
import { settingsRoutes } from './settings';
import { docsRoutes } from './docs';
import { identityRoutes } from './identity';
import { registryRoutes } from './registry';
import { preferencesRoutes } from './preferences';
import { auditRoutes } from './audit';
import { systemRoutes } from './system';
import { flagsRoutes } from './flags';
import { ofrepRoutes } from './ofrep';
import { exportImportRoutes } from './export-import';
import { compareRoutes } from './compare';
import { versionsRoutes } from './versions';
import { modelsRoutes } from './models';
import { backupsRoutes } from './backups';
import { lifecycleRoutes } from './lifecycle';
import { streamRoutes } from './stream';
import { sdkRoutes } from './sdk';

/** Every API route, in one table: the router dispatches on it and the OpenAPI document is generated from it. */
export const ROUTES: AnyRoute[] = [...setupRoutes, ...settingsRoutes, ...docsRoutes(() => ROUTES), ...identityRoutes, ...registryRoutes, ...preferencesRoutes, ...auditRoutes, ...systemRoutes, ...flagsRoutes, ...ofrepRoutes, ...exportImportRoutes, ...compareRoutes, ...versionsRoutes, ...modelsRoutes, ...backupsRoutes, ...lifecycleRoutes, ...streamRoutes, ...sdkRoutes];

export const router = new Router(ROUTES);

/** The OpenAPI document of this server's routes, built once per process. */
export const openApiDocument = (): OpenApiDocument => openApiDocumentFor(ROUTES);
