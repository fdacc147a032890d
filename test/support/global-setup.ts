// Placeholder until the foundation harness lands: starts nothing.
export default function setup(): void {}
