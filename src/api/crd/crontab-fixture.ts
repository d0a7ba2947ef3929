// Test fixture: the CronTab CRD from the Kubernetes documentation
// (https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/),
// parsed from YAML as kubectl would send it. Each call returns a fresh copy.
import { parse } from 'yaml';
import type { CustomResourceDefinition } from './types.js';

const CRONTAB_YAML = String.raw`
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: crontabs.stable.example.com
spec:
  group: stable.example.com
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                cronSpec:
                  type: string
                  pattern: '^(\d+|\*)(/\d+)?(\s+(\d+|\*)(/\d+)?){4}$'
                image:
                  type: string
                replicas:
                  type: integer
                  minimum: 1
                  maximum: 10
  scope: Namespaced
  names:
    plural: crontabs
    singular: crontab
    kind: CronTab
    shortNames:
    - ct
`;

export function cronTabCRD(): CustomResourceDefinition {
  return parse(CRONTAB_YAML) as CustomResourceDefinition;
}

export function cronTab(spec: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: 'my-new-cron-object', namespace: 'default' }, spec };
}
