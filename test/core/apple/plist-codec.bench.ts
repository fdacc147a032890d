// Quick throughput check of the safe plist parser on a typical Authenticate body: `npx tsx test/core/apple/plist-codec.bench.ts`.
import { parse } from 'plist';
import { parsePlistDict } from '../../../core/apple/plist-codec.js';
import { AUTHENTICATE_XML } from './fixtures.js';

function rate(fn: () => unknown, seconds = 2): number {
  for (let i = 0; i < 2000; i++) fn();
  let n = 0;
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < 100; i++) fn();
    n += 100;
  }
  return Math.round(n / seconds);
}

const safe = rate(() => parsePlistDict(AUTHENTICATE_XML));
const raw = rate(() => parse(AUTHENTICATE_XML));
console.log(
  `Authenticate (${AUTHENTICATE_XML.length} bytes): safe ${safe} parses/s, plain plist.parse ${raw} parses/s`,
);
