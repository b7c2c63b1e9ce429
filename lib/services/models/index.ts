/** The models feature (issue 12): AI provider configuration per scope, presets, quotas and metering. */
export { listModels, getModel, revealModelKey } from './read';
export { putModel, revertModel, setAccess } from './write';
export { listTemplates, createTemplate, changeTemplate, removeTemplate } from './templates';
export { recordUsage } from './usage';
export { checkModel } from './check';
export { listQuotas } from './quotas';
export { onModelEvent, type ModelQuotaEvent } from './events';
export { dumpModelConfiguration, restoreModelConfiguration, type ModelDump } from './backup';
