/** Masking of identity fields for partners without identity:full (api.md): the contract's masks. */
export { maskIdNumber, maskName, maskPhone } from '@huimin/schema';
