export * from './layout';
export { createDevMaterial, gatewayClientIdentity, loadDevMaterial, serverIdentity, type CreateDevMaterialOptions, type DevMaterial, type LoadDevMaterialOptions } from './dev-material';
export { generateDevMaterial, type GenerateDevMaterialOptions, type GenerationReport } from './generate-dev-material';
export { DEV_APP_ID, createKeyFiles } from './protocol-keys';
export type { TlsIdentity } from './tls-certificates';
