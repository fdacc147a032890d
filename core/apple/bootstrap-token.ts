// What the edge and the core agree on about a bootstrap token in flight: it is sealed, and to which device.

/** The sealed-box context of a bootstrap token crossing Temporal, bound to the device it belongs to. */
export const bootstrapTokenContext = (deviceId: string) => `bootstrap-token:${deviceId}`;
