// Where a Mac hands Keep its FileVault personal recovery key, and what a real one looks like. The key always
// arrives as CMS EnvelopedData the Mac encrypted to Keep's escrow certificate (FDERecoveryKeyEscrow), so the
// edge and Temporal relay only ciphertext; the core decrypts it.
// https://developer.apple.com/documentation/devicemanagement/securityinforesponse/securityinfo
// https://developer.apple.com/documentation/devicemanagement/rotatefilevaultkeyresponse/rotateresult

/** Whether a command result carries an encrypted recovery key (plain object checks: workflows call it too). */
export function carriesFileVaultKey(result: Record<string, unknown> | undefined | null): boolean {
  return encryptedKey(result) !== undefined;
}

function encryptedKey(result: Record<string, unknown> | undefined | null): string | undefined {
  const security = result?.SecurityInfo as Record<string, unknown> | undefined;
  const rotate = result?.RotateResult as Record<string, unknown> | undefined;
  const cms = security?.FDE_PersonalRecoveryKeyCMS ?? rotate?.EncryptedNewRecoveryKey;
  return typeof cms === 'string' && cms.length > 0 ? cms : undefined;
}

/**
 * The encrypted key a command result carries (base64 in the relayed JSON): SecurityInfo's
 * `FDE_PersonalRecoveryKeyCMS`, or RotateFileVaultKey's `RotateResult.EncryptedNewRecoveryKey`.
 */
export function fileVaultKeyCms(result: Record<string, unknown> | undefined | null): Buffer | undefined {
  const cms = encryptedKey(result);
  return cms === undefined ? undefined : Buffer.from(cms, 'base64');
}

/** Six groups of four upper-case letters and digits, as macOS generates them (e.g. `ABCD-EFGH-…`). */
const PERSONAL_RECOVERY_KEY = /^[A-Z0-9]{4}(-[A-Z0-9]{4}){5}$/;

export function isPersonalRecoveryKey(text: string): boolean {
  return PERSONAL_RECOVERY_KEY.test(text);
}
