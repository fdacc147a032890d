// The policy the policy and rollout benchmarks send: the settings that every simulated device can prove
// without a user (FileVault needs a logout).
export const BENCH_POLICY = {
  schemaVersion: 1,
  name: 'bench-baseline',
  settings: {
    screenLock: { idleTimeoutMinutes: 5 },
    passcode: { minLength: 12, requireAlphanumeric: true },
    firewall: { enabled: true, stealthMode: true },
    restrictions: { allowCamera: true, allowScreenshots: true },
    wifi: [{ ssid: 'Office', security: 'wpa2-personal', password: 'correct-horse-battery' }],
  },
};
