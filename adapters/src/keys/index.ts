export * from './key-files';
export * from './key-source';
export { KeyFileError, parseAppKeyFile, parseBureauKeyFile } from './parse-key-file';
export { clientKeysFrom, serverKeysFrom, type ClientKeySet, type SendWith, type ServerKeySet } from './key-sets';
export { keyFileEnvName, keyFilePath, loadClientKeys, loadServerKeys, readAppKeyFiles, readBureauKeyFiles, type KeyLoadOptions } from './load-keys';
