export * from './sm3';
export * from './sm4';
export * from './sm2';
export * from './rsa';
export * from './aes-gcm';
