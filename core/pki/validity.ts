// Validity windows and times (RFC 5280 §4.1.2.5) shared by every certificate and CRL the CA signs.
import { Time } from 'pkijs';

const DAY_MS = 86_400_000;

/** Devices with slightly slow clocks must not see a fresh certificate as not yet valid. */
export const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * From `now` minus the clock skew to `now` plus the days asked for, but never past the issuer's
 * own notAfter: a certificate that outlives its CA would fail validation on its last days anyway.
 */
export function validityWindow(
  now: Date,
  days: number,
  issuerNotAfter?: Date,
): { notBefore: Date; notAfter: Date } {
  if (!Number.isInteger(days) || days < 1)
    throw new RangeError(`validity must be a whole number of days ≥ 1, got ${days}`);
  // Whole seconds: X.509 times carry no fractions, so the values returned match the DER.
  const second = (ms: number) => new Date(Math.floor(ms / 1000) * 1000);
  const notBefore = second(now.getTime() - CLOCK_SKEW_MS);
  const wanted = now.getTime() + days * DAY_MS;
  const notAfter = second(issuerNotAfter ? Math.min(wanted, issuerNotAfter.getTime()) : wanted);
  return { notBefore, notAfter };
}

/** RFC 5280 §4.1.2.5 and §5.1.2.4: UTCTime through 2049, GeneralizedTime from 2050. */
export function x509Time(date: Date): Time {
  return new Time({ type: date.getUTCFullYear() < 2050 ? 0 : 1, value: date });
}
