// A device's own message as the edge received it, relayed so the core can check the device's signature itself.

/** The check-in body and its Mdm-Signature (detached CMS over the body), both base64. */
export interface SignedDeviceRequest {
  bodyBase64: string;
  signatureBase64: string;
}
