// Every message along an error's cause chain (Update or workflow failure → activity failure → the refusal), so a
// test can look for the refusal's reason however deep Temporal wraps it.
export function causes(error: unknown): string {
  const messages: string[] = [];
  for (let e = error; e instanceof Error; e = e.cause) messages.push(e.message);
  return messages.join(' <- ');
}
