// The one informer both bootstrap controllers watch: bootstrap-token Secrets in kube-system.
import type { Informer } from '../../client/index.js';
import { R } from '../../client/index.js';
import type { KubeObject } from '../../machinery/object.js';
import { BOOTSTRAP_TOKEN_NAMESPACE, BOOTSTRAP_TOKEN_SECRET_TYPE } from '../../machinery/bootstrap-token.js';
import type { ControllerContext } from '../runtime/index.js';

export function tokenSecretsInformer(ctx: ControllerContext): Informer<KubeObject> {
  return ctx.informers.informerFor<KubeObject>(R.secrets, {
    namespace: BOOTSTRAP_TOKEN_NAMESPACE, fieldSelector: `type=${BOOTSTRAP_TOKEN_SECRET_TYPE}`,
  });
}
