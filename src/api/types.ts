// What the API server knows about a resource. Built-in resources are a closed table
// (resources/builtin.ts); CustomResourceDefinitions add entries at run time.
import type { FieldError } from '../machinery/errors.js';
import type { KubeObject } from '../machinery/object.js';

export type Verb = 'create' | 'delete' | 'deletecollection' | 'get' | 'list' | 'patch' | 'update' | 'watch';

export const ALL_VERBS: readonly Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export interface GroupVersionKind { group: string; version: string; kind: string }
export interface GroupVersionResource { group: string; version: string; resource: string }

/** A subresource as discovery lists it: `deployments/status` with its own kind and verbs. */
export interface SubresourceDef {
  name: string;               // status, scale, binding, eviction, log, exec, attach, portforward, proxy, ephemeralcontainers
  kind: string;               // Deployment for status, Scale for scale, Binding for binding
  group?: string;             // kind's group when it differs (autoscaling for Scale, policy for Eviction)
  version?: string;
  verbs: Verb[];
}

/** Where scale reads and writes replicas (autoscaling/v1 Scale), as the CRD scale subresource spells it. */
export interface ScalePaths {
  specReplicasPath: string;      // ".spec.replicas"
  statusReplicasPath: string;    // ".status.replicas"
  labelSelectorPath?: string;    // ".status.selector" or ".spec.selector"
}

export interface ResourceDef {
  group: string;                 // '' for core
  version: string;
  kind: string;
  listKind: string;
  resource: string;              // plural, lower case
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: Verb[];
  subresources: SubresourceDef[];
  /** Resource name used in storage keys; versions of one resource share it (HPA v1 and v2). */
  storageResource: string;
  /** Group used in storage keys (events.k8s.io Events are stored with core Events). */
  storageGroup: string;
  /** Stored representation is this version (no conversion) when true. */
  storageVersion: boolean;
  /** Preferred version of its group in discovery. */
  preferredVersion: boolean;
  scale?: ScalePaths;
  /** Set for resources defined by a CustomResourceDefinition. */
  crd?: CustomResourceInfo;
}

export interface CustomResourceInfo {
  /** metadata.name of the CRD, `plural.group`. */
  crdName: string;
  /** The version's openAPIV3Schema (structural). */
  schema: Record<string, unknown> | undefined;
  /** x-kubernetes-preserve-unknown-fields at the root or no schema. */
  preserveUnknownFields: boolean;
}

/** Per-kind behaviour the generic registry calls. Each function is pure apart from its argument. */
export interface KindStrategy {
  /** Fill in defaults in place (SetDefaults_X). Runs on create and update, before validation. */
  default?(obj: KubeObject): void;
  /** Validation on create (ValidateX). */
  validateCreate?(obj: KubeObject): FieldError[];
  /** Validation on update, with the stored object (ValidateXUpdate). */
  validateUpdate?(obj: KubeObject, old: KubeObject): FieldError[];
  /** Reset fields a create may not set (PrepareForCreate): e.g. status of most kinds. */
  prepareForCreate?(obj: KubeObject): void;
  /** Carry over what an update through the main resource may not change (e.g. status). */
  prepareForUpdate?(obj: KubeObject, old: KubeObject): void;
}

/** A key/value pair of a field selector: the value of a field that may be selected on. */
export type FieldGetter = (obj: KubeObject) => string | undefined;

export function gvkString(g: GroupVersionKind): string {
  return g.group ? `${g.group}/${g.version}, Kind=${g.kind}` : `${g.version}, Kind=${g.kind}`;
}

export function apiVersionOf(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

/** A column of a meta.k8s.io/v1 Table, as kube-apiserver's printers declare them. */
export interface TableColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format: string;          // '' or 'name'
  description: string;
  priority: number;        // 0: always shown; 1: only with -o wide
}

/** How to print one kind as Table rows. `row` returns one cell per column; `now` is ms since epoch. */
export interface TableDef {
  columns: TableColumn[];
  row(obj: KubeObject, now: number): unknown[];
}
