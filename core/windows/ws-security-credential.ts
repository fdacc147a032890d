// Reads the enrollment credential from a request's WS-Security header (MS-MDE2 §3.3.4.1, §3.4.4.1.1.1).
import { NS, TOKEN_TYPE } from './soap-namespaces.js';
import { WindowsProtocolError } from './windows-protocol-error.js';
import { attribute, child, type XmlElement } from './xml-document.js';

/**
 * OnPremise enrollment sends the user's name and password in a UsernameToken; Federated enrollment sends the
 * token its authentication service issued in a BinarySecurityToken of type DeviceEnrollmentUserToken.
 * Both are secrets: never log them.
 */
export type WsSecurityCredential =
  | { readonly kind: 'username'; readonly username: string; readonly password: string }
  | { readonly kind: 'federated'; readonly token: string };

export function decodeWsSecurityCredential(header: XmlElement): WsSecurityCredential {
  const security = child(header, 'Security', NS.wsse);
  if (!security) throw new WindowsProtocolError('missing-element', 'missing <wsse:Security>');
  const usernameToken = child(security, 'UsernameToken', NS.wsse);
  if (usernameToken) {
    const username = child(usernameToken, 'Username', NS.wsse)?.text.trim();
    const password = child(usernameToken, 'Password', NS.wsse);
    if (!username) throw new WindowsProtocolError('missing-element', 'missing <wsse:UsernameToken/Username>');
    if (!password) throw new WindowsProtocolError('missing-element', 'missing <wsse:UsernameToken/Password>');
    const type = attribute(password, 'Type');
    if (type !== undefined && type !== TOKEN_TYPE.passwordText) {
      throw new WindowsProtocolError('invalid-value', '<wsse:Password> Type is not PasswordText');
    }
    // Spaces in a password are significant; a line break is not part of one but of a pretty-printed message.
    const raw = password.text;
    return { kind: 'username', username, password: /[\r\n]/.test(raw) ? raw.trim() : raw };
  }
  const binary = child(security, 'BinarySecurityToken', NS.wsse);
  if (binary) {
    if (attribute(binary, 'ValueType') !== TOKEN_TYPE.deviceEnrollmentUserToken) {
      throw new WindowsProtocolError(
        'invalid-value',
        '<wsse:BinarySecurityToken> ValueType is not DeviceEnrollmentUserToken',
      );
    }
    const token = binary.text.trim();
    if (!token) throw new WindowsProtocolError('missing-element', '<wsse:BinarySecurityToken> is empty');
    return { kind: 'federated', token };
  }
  throw new WindowsProtocolError(
    'missing-element',
    'missing <wsse:UsernameToken> or <wsse:BinarySecurityToken>',
  );
}
