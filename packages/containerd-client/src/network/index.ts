// Container networking with CNI (no vscode): network configs, create/remove in nerdctl's format, ports, nerdctl's
// labels, the CNI executor, persistent network namespaces and a container's connection state.
export * from './errors';
export {
  readNetworks, findNetwork, findPlugin, checkPlugins, parseNetworkConfig, defaultNetworkEnv,
  DEFAULT_CNI_CONF_DIR, DEFAULT_CNI_BIN_DIRS, DEFAULT_NETWORK_STATE_DIR,
  type NetworkEnv, type CniNetwork, type PluginConf, type ConfigProblem,
} from './config';
export {
  createNetwork, removeNetwork, ensureDefaultNetwork, networkNameProblem, networkFile, networkId, nerdctlBridgePlugins,
  DEFAULT_NETWORK, DEFAULT_NETWORK_SUBNET, DEFAULT_NETWORK_LABEL, type CreateNetworkOptions,
} from './manage';
export { parsePortSpec, parsePortSpecs, checkHostPorts, formatPort, publishedPorts, type PortMapping, type PortProtocol } from './ports';
export { NerdctlLabels, nerdctlNetworkLabels, readNetworkLabels, type NetworkLabelValues } from './labels';
export { addNetwork, delNetwork, checkNetwork, resultAddresses, type CniResult, type NetworkList, type Attachment, type CniCommand } from './cni-exec';
export { createNetns, removeNetns, isNetnsMounted } from './netns';
export { hostsFileText, resolvConfText } from './files';
export { NETWORK_STATE_LABEL } from './state';
export { hostnameProblem, stateDirOf, type PreparedNetwork } from './container-network';
export { containersByNetwork, containersOnNetwork, cachedCniAddresses } from './usage';
