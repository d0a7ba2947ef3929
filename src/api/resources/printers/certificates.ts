// Table of certificates.k8s.io CertificateSigningRequests.
// Reference: printers.go (printCertificateSigningRequest, extractCSRStatus).
import type { TableDef } from '../../types.js';
import { ageColumn, ageOf, arr, column, nameColumn, nameOf, obj, optNum, str, table } from './common.js';
import { humanDuration } from './duration.js';

/** "Approved,Issued", "Pending", "Denied", with ",Failed" when signing failed. */
function condition(status: Record<string, unknown>): string {
  const types = new Set(arr(status['conditions']).map((c) => str(obj(c)['type'])));
  let out = types.has('Denied') ? 'Denied' : types.has('Approved') ? 'Approved' : 'Pending';
  if (types.has('Failed')) out += ',Failed';
  if (str(status['certificate']) !== '') out += ',Issued';
  return out;
}

export const certificateSigningRequestTable: TableDef = table([
  nameColumn,
  ageColumn,
  column('SignerName', 'Name of the signer the request is addressed to.'),
  column('Requestor', 'Name of the user who created the request.'),
  column('RequestedDuration', 'Validity the requester asked for (spec.expirationSeconds).'),
  column('Condition', 'Approval and issuance state of the request.'),
], (o, now) => {
  const spec = obj(o['spec']);
  const seconds = optNum(spec['expirationSeconds']);
  return [
    nameOf(o), ageOf(o, now), str(spec['signerName']), str(spec['username']),
    seconds === undefined ? '<none>' : humanDuration(seconds * 1000), condition(obj(o['status'])),
  ];
});
