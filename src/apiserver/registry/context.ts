// What the generic registry needs, as one typed object.
import type { Logger } from 'pino';
import type { KeyValue, Store } from '../../storage/types.js';
import type { KindStrategy, ResourceDef } from '../../api/types.js';
import type { KubeObject } from '../../machinery/object.js';
import type { Clock } from '../../machinery/clock.js';
import type { FieldError } from '../../machinery/errors.js';

/** A mutating/validating step run on create and update after defaulting (kube's admission chain). */
export interface AdmissionPlugin {
  readonly name: string;
  /** May change `obj`; throws a StatusError to refuse. `old` is set on update. */
  admit(req: AdmissionRequest): Promise<void>;
}

export interface AdmissionRequest {
  operation: 'CREATE' | 'UPDATE' | 'DELETE';
  def: ResourceDef;
  namespace: string;
  name: string;
  obj: KubeObject;
  old?: KubeObject;
  dryRun: boolean;
}

export interface RegistryDeps {
  store: Store;
  /** A lister's read of a key from the watch cache (null: not cached; read the store). */
  peek?(key: string): KeyValue | undefined | null;
  strategyFor(def: ResourceDef): KindStrategy | undefined;
  /** Extra validation for custom resources (schema), run after strategy validation. */
  validateCustom?(def: ResourceDef, obj: KubeObject): FieldError[];
  admission: readonly AdmissionPlugin[];
  clock: Clock;
  log: Logger;
  /** Look up a ResourceDef (for namespace checks, owner lookups). */
  resource(group: string, version: string, resource: string): ResourceDef | undefined;
}
