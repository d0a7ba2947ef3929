// Defaulting, validation and status of CustomResourceDefinition objects themselves.
// Upstream: apiextensions-apiserver pkg/apis/apiextensions/v1/defaults.go,
// pkg/apis/apiextensions/validation/validation.go (messages and field paths as kube prints them,
// including the internal-version names it uses, e.g. `conversion.webhookClientConfig`,
// `additionalPrinterColumns[0].JSONPath`), pkg/registry/customresourcedefinition/strategy.go and
// the naming and establishing controllers for the status.
// ObjectMeta itself (name format, labels...) is validated by the registry's common strategy; this
// file adds the CRD rule that the name is `<plural>.<group>`.
import type { FieldError } from '../../machinery/errors.js';
import { field } from '../../machinery/errors.js';
import { isPlainObject, rfc3339 } from '../../machinery/object.js';
import { clone, deepEqual } from '../../machinery/deep-equal.js';
import type { CRDColumn, CRDCondition, CRDNames, CRDStatus, CRDSubresources, CRDVersion, CustomResourceDefinition } from './types.js';
import { asSchema, present, stringList, versionsOf } from './types.js';
import { isDNS1035Label, isDNS1123Subdomain } from '../../machinery/names.js';
import { validateCRDSchema } from './schema-rules.js';

const SCOPES = ['Cluster', 'Namespaced'];
const COLUMN_TYPES = ['boolean', 'date', 'integer', 'number', 'string'];
const COLUMN_FORMATS = ['byte', 'date', 'date-time', 'double', 'float', 'int32', 'int64', 'password'];
const CONVERSION_REVIEW_VERSIONS = ['v1', 'v1beta1'];

/** SetDefaults for apiextensions.k8s.io/v1, in place. `scope` has no default: it is required. */
export function defaultCRD(crd: CustomResourceDefinition): void {
  const spec = crd.spec;
  if (!present(spec)) return;
  const names = present(spec.names) ? spec.names : undefined;
  if (names) {
    if (!names.singular && typeof names.kind === 'string') names.singular = names.kind.toLowerCase();
    if (!names.listKind && typeof names.kind === 'string' && names.kind) names.listKind = `${names.kind}List`;
  }
  if (!present(spec.conversion)) spec.conversion = { strategy: 'None' };
  const clientConfig = spec.conversion.webhook?.clientConfig;
  const service = isPlainObject(clientConfig) ? clientConfig.service : undefined;
  if (isPlainObject(service) && service.port === undefined) service.port = 443;
  // served and storage are plain bools in v1: absent reads back as false.
  for (const v of versionsOf(crd)) {
    if (typeof v.served !== 'boolean') v.served = false;
    if (typeof v.storage !== 'boolean') v.storage = false;
  }
}

/** ValidateCustomResourceDefinition, on an already defaulted CRD. */
export function validateCRD(crd: CustomResourceDefinition): FieldError[] {
  const spec = crd.spec ?? {};
  const names: CRDNames = present(spec.names) ? spec.names : {};
  const errs: FieldError[] = [];
  const name = crd.metadata?.name;
  if (typeof name === 'string' && name !== `${names.plural ?? ''}.${spec.group ?? ''}`) {
    errs.push(field.invalid('metadata.name', name, 'must be spec.names.plural+"."+spec.group'));
  }
  errs.push(...validateSpec(crd));
  errs.push(...validateNames(crd.status?.acceptedNames ?? {}, 'status.acceptedNames'));
  errs.push(...validateStoredVersions(crd));
  if (spec.preserveUnknownFields === true) {
    errs.push(field.invalid('spec.preserveUnknownFields', true, 'cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead'));
  }
  return errs;
}

/** ValidateCustomResourceDefinitionUpdate: the create checks plus what may not change. */
export function validateCRDUpdate(crd: CustomResourceDefinition, old: CustomResourceDefinition): FieldError[] {
  let errs = validateCRD(crd);
  if (crd.spec?.preserveUnknownFields === true && old.spec?.preserveUnknownFields === true) {
    errs = errs.filter((e) => e.field !== 'spec.preserveUnknownFields');
  }
  const immutable = (path: string, now: unknown, before: unknown): void => {
    if (!deepEqual(now, before)) errs.push(field.invalid(path, now ?? '', 'field is immutable'));
  };
  // Once established, stored objects depend on scope and kind.
  if (isEstablished(old)) {
    immutable('spec.scope', crd.spec?.scope, old.spec?.scope);
    immutable('spec.names.kind', crd.spec?.names?.kind, old.spec?.names?.kind);
  }
  immutable('spec.group', crd.spec?.group, old.spec?.group);
  immutable('spec.names.plural', crd.spec?.names?.plural, old.spec?.names?.plural);
  return errs;
}

function isEstablished(crd: CustomResourceDefinition): boolean {
  const conditions = crd.status?.conditions;
  return Array.isArray(conditions) && conditions.some((c) => c.type === 'Established' && c.status === 'True');
}

function validateSpec(crd: CustomResourceDefinition): FieldError[] {
  const spec = crd.spec ?? {};
  const errs: FieldError[] = [];
  const group = spec.group;
  if (!group) errs.push(field.required('spec.group'));
  else if (typeof group !== 'string') errs.push(field.invalid('spec.group', group, 'must be a string'));
  else {
    const msgs = isDNS1123Subdomain(group);
    if (msgs.length > 0) errs.push(field.invalid('spec.group', group, msgs.join(',')));
    else if (group.split('.').length < 2) errs.push(field.invalid('spec.group', group, 'should be a domain with at least one dot'));
  }
  if (!spec.scope) errs.push(field.required('spec.scope'));
  else if (typeof spec.scope !== 'string' || !SCOPES.includes(spec.scope)) errs.push(field.notSupported('spec.scope', spec.scope, SCOPES));

  const versions = versionsOf(crd);
  versions.forEach((v, i) => {
    if (!asSchema(v.schema?.openAPIV3Schema)) errs.push(field.required(`spec.versions[${i}].schema.openAPIV3Schema`, 'schemas are required'));
  });
  let storage = 0;
  const seen = new Set<string>();
  let unique = true;
  versions.forEach((v, i) => {
    const path = `spec.versions[${i}]`;
    if (v.storage === true) storage++;
    const name = typeof v.name === 'string' ? v.name : '';
    if (seen.has(name)) unique = false;
    seen.add(name);
    const msgs = isDNS1035Label(name);
    if (msgs.length > 0) errs.push(field.invalid(`${path}.name`, name, msgs.join(',')));
    errs.push(...validateVersion(v, path));
  });
  if (!unique) errs.push(field.invalid('spec.versions', versionNames(versions), 'must contain unique version names'));
  if (storage !== 1) errs.push(field.invalid('spec.versions', versionNames(versions), 'must have exactly one version marked as storage version'));

  const names: CRDNames = present(spec.names) ? spec.names : {};
  for (const k of ['plural', 'singular', 'kind', 'listKind'] as const) {
    if (!names[k]) errs.push(field.required(`spec.names.${k}`));
  }
  errs.push(...validateNames(names, 'spec.names'));
  errs.push(...validateConversion(crd));
  return errs;
}

function versionNames(versions: CRDVersion[]): string[] {
  return versions.map((v) => (typeof v.name === 'string' ? v.name : ''));
}

function validateVersion(v: CRDVersion, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (v.deprecationWarning !== undefined) {
    const w = v.deprecationWarning;
    if (v.deprecated !== true) errs.push(field.invalid(`${path}.deprecationWarning`, w, 'can only be set for deprecated versions'));
    else if (typeof w === 'string' && w.length > 256) errs.push(field.invalid(`${path}.deprecationWarning`, w, 'must be <= 256 characters long'));
    else if (w === '') errs.push(field.invalid(`${path}.deprecationWarning`, w, 'must not be an empty string'));
  }
  const schema = asSchema(v.schema?.openAPIV3Schema);
  const statusEnabled = present(v.subresources) && present(v.subresources.status);
  if (schema) errs.push(...validateCRDSchema(schema, `${path}.schema.openAPIV3Schema`, { statusEnabled }));
  errs.push(...validateSubresources(v.subresources, `${path}.subresources`));
  const columns = Array.isArray(v.additionalPrinterColumns) ? v.additionalPrinterColumns : [];
  columns.forEach((c, i) => errs.push(...validateColumn(c, `${path}.additionalPrinterColumns[${i}]`)));
  return errs;
}

export function validateNames(names: CRDNames, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const label = (k: 'plural' | 'singular', value: unknown): void => {
    if (typeof value !== 'string' || value === '') return;
    const msgs = isDNS1035Label(value);
    if (msgs.length > 0) errs.push(field.invalid(`${path}.${k}`, value, msgs.join(',')));
  };
  label('plural', names.plural);
  label('singular', names.singular);
  for (const k of ['kind', 'listKind'] as const) {
    const value = names[k];
    if (typeof value !== 'string' || value === '') continue;
    const msgs = isDNS1035Label(value.toLowerCase());
    if (msgs.length > 0) errs.push(field.invalid(`${path}.${k}`, value, `may have mixed case, but should otherwise match: ${msgs.join(',')}`));
  }
  stringList(names.shortNames).forEach((s, i) => {
    const msgs = isDNS1035Label(s);
    if (msgs.length > 0) errs.push(field.invalid(`${path}.shortNames[${i}]`, s, msgs.join(',')));
  });
  if (names.kind && names.kind === names.listKind) errs.push(field.invalid(`${path}.listKind`, names.listKind, 'kind and listKind may not be the same'));
  stringList(names.categories).forEach((s, i) => {
    const msgs = isDNS1035Label(s);
    if (msgs.length > 0) errs.push(field.invalid(`${path}.categories[${i}]`, s, msgs.join(',')));
  });
  return errs;
}

/** A path like `.spec.replicas` (validateSimpleJSONPath). */
function simpleJSONPathErrors(path: string, fieldPath: string): FieldError[] {
  if (path === '') return [field.invalid(fieldPath, path, 'must not be empty')];
  if (!path.startsWith('.')) return [field.invalid(fieldPath, path, 'must be a simple json path starting with .')];
  return [];
}

function validateSubresources(sub: CRDSubresources | undefined, path: string): FieldError[] {
  const scale = present(sub) && present(sub.scale) ? sub.scale : undefined;
  if (!scale) return [];
  const errs: FieldError[] = [];
  const scalePath = (key: 'specReplicasPath' | 'statusReplicasPath', prefix: string, detail: string): void => {
    const p = scale[key];
    if (!p) { errs.push(field.required(`${path}.scale.${key}`)); return; }
    if (typeof p !== 'string') { errs.push(field.invalid(`${path}.scale.${key}`, p, 'must be a string')); return; }
    const bad = simpleJSONPathErrors(p, `${path}.scale.${key}`);
    if (bad.length > 0) errs.push(...bad);
    else if (!p.startsWith(prefix)) errs.push(field.invalid(`${path}.scale.${key}`, p, detail));
  };
  scalePath('specReplicasPath', '.spec.', 'should be a json path under .spec');
  scalePath('statusReplicasPath', '.status.', 'should be a json path under .status');
  const sel = scale.labelSelectorPath;
  if (typeof sel === 'string' && sel !== '') {
    const bad = simpleJSONPathErrors(sel, `${path}.scale.labelSelectorPath`);
    if (bad.length > 0) errs.push(...bad);
    else if (!sel.startsWith('.spec.') && !sel.startsWith('.status.')) {
      errs.push(field.invalid(`${path}.scale.labelSelectorPath`, sel, 'should be a json path under either .spec or .status'));
    }
  }
  return errs;
}

function validateColumn(c: CRDColumn, path: string): FieldError[] {
  if (!isPlainObject(c)) return [field.invalid(path, c, 'must be an object')];
  const errs: FieldError[] = [];
  if (!c.name) errs.push(field.required(`${path}.name`));
  const typeDetail = `must be one of ${COLUMN_TYPES.join(',')}`;
  if (!c.type) errs.push(field.required(`${path}.type`, typeDetail));
  else if (typeof c.type !== 'string' || !COLUMN_TYPES.includes(c.type)) errs.push(field.invalid(`${path}.type`, c.type, typeDetail));
  if (c.format && (typeof c.format !== 'string' || !COLUMN_FORMATS.includes(c.format))) errs.push(field.invalid(`${path}.format`, c.format, `must be one of ${COLUMN_FORMATS.join(',')}`));
  if (!c.jsonPath) errs.push(field.required(`${path}.JSONPath`));
  else if (typeof c.jsonPath !== 'string') errs.push(field.invalid(`${path}.JSONPath`, c.jsonPath, 'must be a string'));
  else errs.push(...simpleJSONPathErrors(c.jsonPath, `${path}.JSONPath`));
  return errs;
}

function validateConversion(crd: CustomResourceDefinition): FieldError[] {
  const conversion = crd.spec?.conversion;
  if (!present(conversion)) return [];
  const errs: FieldError[] = [];
  const strategy = conversion.strategy;
  if (!strategy) errs.push(field.required('spec.conversion.strategy'));
  else if (typeof strategy !== 'string' || (strategy !== 'None' && strategy !== 'Webhook')) errs.push(field.notSupported('spec.conversion.strategy', strategy, ['None', 'Webhook']));
  const webhook = present(conversion.webhook) ? conversion.webhook : undefined;
  if (strategy === 'Webhook') {
    const cc = webhook?.clientConfig;
    if (!isPlainObject(cc)) errs.push(field.required('spec.conversion.webhookClientConfig', 'required when strategy is set to Webhook'));
    else if ((cc.url === undefined) === (cc.service === undefined)) {
      errs.push(field.required('spec.conversion.webhookClientConfig', 'exactly one of url or service is required'));
    }
    const reviews = stringList(webhook?.conversionReviewVersions);
    if (reviews.length === 0) errs.push(field.required('spec.conversion.conversionReviewVersions'));
    else if (!reviews.some((r) => CONVERSION_REVIEW_VERSIONS.includes(r))) {
      errs.push(field.invalid('spec.conversion.conversionReviewVersions', reviews, `must include at least one of ${CONVERSION_REVIEW_VERSIONS.join(', ')}`));
    }
  } else if (webhook !== undefined) {
    if (webhook.clientConfig !== undefined) errs.push(field.forbidden('spec.conversion.webhookClientConfig', 'should not be set when strategy is not set to Webhook'));
    if (stringList(webhook.conversionReviewVersions).length > 0) errs.push(field.forbidden('spec.conversion.conversionReviewVersions', 'should not be set when strategy is not set to Webhook'));
  }
  return errs;
}

/**
 * ValidateCustomResourceDefinitionStoredVersions. Checked once the status carries stored
 * versions, i.e. after prepareCRDStatus (as kube's strategy fills them before validating).
 */
function validateStoredVersions(crd: CustomResourceDefinition): FieldError[] {
  const stored = stringList(crd.status?.storedVersions);
  if (stored.length === 0) return [];
  const errs: FieldError[] = [];
  const remaining = new Map(stored.map((v, i) => [v, i]));
  for (const v of versionsOf(crd)) {
    if (typeof v.name !== 'string') continue;
    if (v.storage === true && !remaining.has(v.name)) {
      errs.push(field.invalid('status.storedVersions', stored, `must have the storage version ${v.name}`));
    }
    remaining.delete(v.name);
  }
  for (const [v, i] of remaining) {
    errs.push(field.invalid(`status.storedVersions[${i}]`, v, `missing from spec.versions; ${v} was previously a storage version, and must remain in spec.versions until a storage migration ensures no data remains persisted in ${v} and removes ${v} from status.storedVersions`));
  }
  return errs;
}

/** The storage version's name, if exactly one is marked. */
export function storageVersionOf(crd: CustomResourceDefinition): string | undefined {
  const marked = versionsOf(crd).filter((v) => v.storage === true && typeof v.name === 'string');
  return marked.length === 1 ? marked[0]?.name : undefined;
}

function condition(type: string, reason: string, message: string, now: number, old: CRDCondition[] | undefined): CRDCondition {
  const before = old?.find((c) => c.type === type);
  const lastTransitionTime = before?.status === 'True' && before.lastTransitionTime ? before.lastTransitionTime : rfc3339(now);
  return { type, status: 'True', lastTransitionTime, reason, message };
}

/**
 * The status kube-apiserver gives an accepted CRD: storedVersions gains the storage version
 * (strategy PrepareForCreate/PrepareForUpdate), acceptedNames are the spec's names and the
 * NamesAccepted and Established conditions are True (naming and establishing controllers).
 * On update pass the stored object: its status is kept and its transition times survive.
 * Name conflicts with other CRDs are not checked here.
 */
export function prepareCRDStatus(crd: CustomResourceDefinition, now: number, old?: CustomResourceDefinition): CRDStatus {
  const previous: CRDStatus = old && present(old.status) ? clone(old.status) : {};
  const stored = stringList(previous.storedVersions);
  const storage = storageVersionOf(crd);
  if (storage && !stored.includes(storage)) stored.push(storage);
  const others = (Array.isArray(previous.conditions) ? previous.conditions : [])
    .filter((c) => c.type !== 'NamesAccepted' && c.type !== 'Established');
  const status: CRDStatus = {
    conditions: [
      condition('NamesAccepted', 'NoConflicts', 'no conflicts found', now, previous.conditions),
      condition('Established', 'InitialNamesAccepted', 'the initial names have been accepted', now, previous.conditions),
      ...others,
    ],
    acceptedNames: clone(crd.spec?.names ?? {}),
    storedVersions: stored,
  };
  crd.status = status;
  return status;
}
