// Check-in protocol: decode what the device sends to the CheckInURL, build what the server answers.
export type * from './checkin-message.js';
export { decodeCheckin } from './decode-checkin.js';
export * from './checkin-responses.js';
