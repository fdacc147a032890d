// Device message bodies and inputs shared by the Apple protocol tests.
import type { EnrollmentProfileInput } from '../../../core/apple/enrollment-profile.js';
export const DOCTYPE =
  '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">';

export function plistXml(body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${DOCTYPE}\n<plist version="1.0">\n${body}\n</plist>\n`;
}

export const AUTHENTICATE_XML = plistXml(`<dict>
  <key>BuildVersion</key><string>23A344</string>
  <key>DeviceName</key><string>Ada's MacBook Pro</string>
  <key>MessageType</key><string>Authenticate</string>
  <key>Model</key><string>Mac15,3</string>
  <key>ModelName</key><string>MacBook Pro</string>
  <key>OSVersion</key><string>14.0</string>
  <key>ProductName</key><string>Mac15,3</string>
  <key>SerialNumber</key><string>C02XK0AAJGH5</string>
  <key>Topic</key><string>com.apple.mgmt.External.0f4a5a7c-1f2e-4a3b-9c8d-7e6f5a4b3c2d</string>
  <key>UDID</key><string>0000FE00-1234-5678-9ABC-DEF012345678</string>
</dict>`);

export const caDer = new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]);

export const enrollmentInput: EnrollmentProfileInput = {
  identifier: 'com.example.keep.enrollment',
  displayName: 'Keep MDM',
  organization: 'Example Corp',
  serverUrl: 'https://mdm.example.com/mdm/connect',
  checkInUrl: 'https://mdm.example.com/mdm/checkin',
  topic: 'com.apple.mgmt.External.0f4a5a7c',
  scep: {
    url: 'https://mdm.example.com/scep',
    name: 'keep-ca',
    subject: [
      ['O', 'Example Corp'],
      ['CN', 'Keep device identity'],
    ],
    challenge: 'single-use-challenge',
    caCertificateDer: caDer,
  },
  anchorCertificateDer: caDer,
};
