// The pod network of a node: the CNI configuration the runtime uses, and its removal.
export {
  writeCniConfig, renderCniConfig, parseCidr, CONFLIST_FILE, CNI_VERSION, DEFAULT_BRIDGE, DEFAULT_NETWORK_NAME,
  type CniConfigOptions, type ParsedCidr,
} from './cni-config.js';
export {
  cleanupNetwork, parseIptablesSave, splitArgs, DEFAULT_CNI_RESULTS_DIR, DEFAULT_IPAM_DATA_DIR,
  type CleanupOptions, type CleanupReport, type IptablesTable,
} from './cleanup.js';
