// The vault's KMS on an HSM over PKCS#11: the KEK is an AES-256 secret key object inside the token, found by label;
// data keys are wrapped with CKM_AES_GCM inside the token, so the KEK never enters this process.
// PKCS#11 v2.40 §2.12.4 (AES-GCM): https://docs.oasis-open.org/pkcs11/pkcs11-curr/v2.40/pkcs11-curr-v2.40.html
import { randomBytes } from 'node:crypto';
import pkcs11js from 'pkcs11js';
import { KmsError, type Kms } from '../../core/vault/kms.js';

export interface Pkcs11KmsOptions {
  /** Path of the token's PKCS#11 module (e.g. /usr/lib/softhsm/libsofthsm2.so). */
  library: string;
  tokenLabel: string;
  pin: string;
  /** CKA_LABEL of the AES key-encryption key in the token. */
  keyLabel: string;
}

const IV_LENGTH = 12;
const PREFIX = 'pkcs11:';

export interface Pkcs11Kms extends Kms {
  /** Logs out and unloads the module (worker shutdown, tests). */
  close(): void;
}

/** Opens the module on first use, so a worker starts (and reports a clear error) even if the token is slow. */
export function pkcs11Kms(options: Pkcs11KmsOptions): Pkcs11Kms {
  let opened: { module: pkcs11js.PKCS11; session: Buffer } | undefined;

  const open = () => {
    if (opened) return opened;
    const module = new pkcs11js.PKCS11();
    try {
      module.load(options.library);
      module.C_Initialize();
    } catch (cause) {
      throw new KmsError(`PKCS#11 module ${options.library} does not load`, { cause });
    }
    try {
      const slot = module
        .C_GetSlotList(true)
        .find((s) => module.C_GetTokenInfo(s).label.trim() === options.tokenLabel);
      if (!slot) throw new KmsError(`no PKCS#11 token labelled "${options.tokenLabel}"`);
      const session = module.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
      module.C_Login(session, pkcs11js.CKU_USER, options.pin);
      opened = { module, session };
      return opened;
    } catch (cause) {
      module.C_Finalize();
      module.close();
      if (cause instanceof KmsError) throw cause;
      throw new KmsError(`PKCS#11 token "${options.tokenLabel}" does not open`, { cause });
    }
  };

  const findKek = (module: pkcs11js.PKCS11, session: Buffer, label: string) => {
    module.C_FindObjectsInit(session, [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
      { type: pkcs11js.CKA_LABEL, value: label },
    ]);
    try {
      const handle = module.C_FindObjects(session);
      if (!handle) throw new KmsError(`no key labelled "${label}" in token "${options.tokenLabel}"`);
      return handle;
    } finally {
      module.C_FindObjectsFinal(session);
    }
  };

  const gcm = (iv: Buffer, aad: Buffer) => ({
    mechanism: pkcs11js.CKM_AES_GCM,
    parameter: { type: pkcs11js.CK_PARAMS_AES_GCM, iv, aad, ivBits: IV_LENGTH * 8, tagBits: 128 },
  });

  return {
    async wrap(dataKey, aad) {
      const { module, session } = open();
      const iv = randomBytes(IV_LENGTH);
      try {
        module.C_EncryptInit(session, gcm(iv, aad), findKek(module, session, options.keyLabel));
        const out = module.C_Encrypt(session, dataKey, Buffer.alloc(dataKey.length + 16));
        return { kekId: `${PREFIX}${options.keyLabel}`, wrappedKey: Buffer.concat([iv, out]) };
      } catch (cause) {
        if (cause instanceof KmsError) throw cause;
        throw new KmsError(`PKCS#11 key "${options.keyLabel}" could not wrap a data key`, { cause });
      }
    },
    async unwrap({ kekId, wrappedKey }, aad) {
      if (!kekId.startsWith(PREFIX)) throw new KmsError(`KEK "${kekId}" is not a PKCS#11 key`);
      if (wrappedKey.length < IV_LENGTH + 16) throw new KmsError('wrapped key is truncated');
      const { module, session } = open();
      const label = kekId.slice(PREFIX.length);
      try {
        const iv = wrappedKey.subarray(0, IV_LENGTH);
        module.C_DecryptInit(session, gcm(iv, aad), findKek(module, session, label));
        const body = wrappedKey.subarray(IV_LENGTH);
        return Buffer.from(module.C_Decrypt(session, body, Buffer.alloc(body.length)));
      } catch (cause) {
        if (cause instanceof KmsError) throw cause;
        throw new KmsError(`data key under KEK "${kekId}" failed authentication`, { cause });
      }
    },
    close() {
      if (!opened) return;
      const { module, session } = opened;
      opened = undefined;
      module.C_Logout(session);
      module.C_CloseSession(session);
      module.C_Finalize();
      module.close();
    },
  };
}
