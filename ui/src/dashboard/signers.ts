// Which device signed a piece of evidence, in words (the server verified
// each signature when the record arrived; see docs/device.md#signed-evidence).
import { t } from '../lib/i18n';
import type { EvidenceSigner } from '../lib/server-types.gen';
import type { EvidenceSignature } from '../lib/types.gen';

export function signerName(s: EvidenceSigner): string {
  const name = `${s.name}（${s.username}）`;
  return s.revoked ? t('d.r.signer_revoked', { device: name }) : name;
}

/** "Signed by device: …" or "Unsigned (older app)". */
export function signatureLabel(sig: EvidenceSignature | undefined, signers: EvidenceSigner[]): string {
  if (!sig) return t('d.r.unsigned');
  const s = signers.find((x) => x.device === sig.device);
  return t('d.r.signed_by', { device: s ? signerName(s) : `#${sig.device}` });
}
