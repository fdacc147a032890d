// What the admin API and the core agree on about revealing an escrowed secret: the sealed-box context of the
// one answer, bound to its request.

export const secretRevealContext = (requestId: string) => `secret-reveal:${requestId}`;
