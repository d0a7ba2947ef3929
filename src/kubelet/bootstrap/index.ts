// How a node gets its credentials: discovery with a join token, kubelet client and serving
// certificates through CertificateSigningRequests, written to the node's directory.
export { bootstrapNodeCredentials, CREDENTIAL_FILES, type BootstrapOptions, type NodeCredentials } from './credentials.js';
export { discoverClusterCa, trustedCa, UntrustedClusterError, type DiscoveryOptions } from './cluster-info.js';
export { requestCertificate, CertificateRefusedError, type CertificateRequestSpec, type IssuedCertificate } from './request-certificate.js';
