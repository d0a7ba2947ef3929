/** Default Service ClusterIP range (k3s' default; kube-apiserver has none built in). */
export const DEFAULT_SERVICE_CIDR = '10.43.0.0/16';
