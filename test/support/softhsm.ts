// A SoftHSM2 token of its own for a test (temp SOFTHSM2_CONF), holding one AES-256 key-encryption key.
// Under CI=true a missing SoftHSM2 is an error, never a skip (.ci/debian-packages installs it).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pkcs11js from 'pkcs11js';

const LIBRARIES = [
  '/usr/lib/softhsm/libsofthsm2.so',
  '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so',
];
const INSTALL_HINT = 'SoftHSM2 is not installed: apt-get install softhsm2 (listed in .ci/debian-packages)';

export function softHsmLibrary(): string | undefined {
  const found = LIBRARIES.find((path) => existsSync(path));
  if (!found && process.env.CI === 'true') throw new Error(INSTALL_HINT);
  if (!found) console.warn(`skipping PKCS#11 tests: ${INSTALL_HINT}`);
  return found;
}

export interface SoftHsmToken {
  library: string;
  tokenLabel: string;
  pin: string;
  keyLabel: string;
  remove(): void;
}

/** SoftHSM2 reads SOFTHSM2_CONF when the module initialises, so this sets it for the whole test process. */
export function createSoftHsmToken(library: string): SoftHsmToken {
  const dir = mkdtempSync(join(tmpdir(), 'keep-softhsm-'));
  mkdirSync(join(dir, 'tokens'));
  const conf = join(dir, 'softhsm2.conf');
  writeFileSync(conf, `directories.tokendir = ${join(dir, 'tokens')}\nobjectstore.backend = file\n`);
  process.env.SOFTHSM2_CONF = conf;
  const token = { library, tokenLabel: 'keep-vault-test', pin: '246813', keyLabel: 'keep-vault-kek' };
  execFileSync(
    'softhsm2-util',
    ['--init-token', '--free', '--label', token.tokenLabel, '--pin', token.pin, '--so-pin', '135792'],
    { env: process.env, stdio: 'ignore' },
  );
  const module = new pkcs11js.PKCS11();
  module.load(library);
  module.C_Initialize();
  try {
    const slot = module
      .C_GetSlotList(true)
      .find((s) => module.C_GetTokenInfo(s).label.trim() === token.tokenLabel)!;
    const session = module.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
    module.C_Login(session, pkcs11js.CKU_USER, token.pin);
    module.C_GenerateKey(session, { mechanism: pkcs11js.CKM_AES_KEY_GEN }, [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
      { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_AES },
      { type: pkcs11js.CKA_LABEL, value: token.keyLabel },
      { type: pkcs11js.CKA_VALUE_LEN, value: 32 },
      { type: pkcs11js.CKA_TOKEN, value: true },
      { type: pkcs11js.CKA_PRIVATE, value: true },
      { type: pkcs11js.CKA_SENSITIVE, value: true },
      { type: pkcs11js.CKA_EXTRACTABLE, value: false },
      { type: pkcs11js.CKA_ENCRYPT, value: true },
      { type: pkcs11js.CKA_DECRYPT, value: true },
    ]);
    module.C_Logout(session);
    module.C_CloseSession(session);
  } finally {
    module.C_Finalize();
    module.close();
  }
  return { ...token, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
