// Node IPAM: pod CIDRs for nodes, cut from the cluster CIDR.
export { nodeIpamController, DEFAULT_CLUSTER_CIDR, DEFAULT_NODE_CIDR_MASK_SIZE } from './controller.js';
export { CidrSet, CidrError, parseCidr, formatCidr, parseIpv4, formatIpv4, addressAt, offsetOf, cidrSize, type Ipv4Cidr } from './cidr.js';
