// The safe plist parser on a typical Authenticate body, against plain `plist.parse`: the pre-checks that
// refuse entities, depth and size bombs must cost next to nothing on the hot path.
import { parse } from 'plist';
import { parsePlistDict } from '../../core/apple/plist-codec.js';
import { AUTHENTICATE_XML } from '../core/apple/fixtures.js';
import { intParam, metric, type BenchParams, type BenchResult } from './benchmark.js';

function rate(fn: () => unknown, seconds: number): number {
  for (let i = 0; i < 2000; i++) fn();
  let n = 0;
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < 100; i++) fn();
    n += 100;
  }
  return n / seconds;
}

export default async function run(raw: BenchParams): Promise<BenchResult> {
  const params = { seconds: intParam(raw, 'seconds', 2, 30), bytes: AUTHENTICATE_XML.length };
  const safe = rate(() => parsePlistDict(AUTHENTICATE_XML), params.seconds);
  const plain = rate(() => parse(AUTHENTICATE_XML), params.seconds);
  return {
    params,
    metrics: {
      safe_parse_per_s: metric(safe, 'parses/s'),
      plain_parse_per_s: metric(plain, 'parses/s'),
      overhead: metric((plain / safe - 1) * 100, '%'),
    },
    notes: [
      'one core, an Authenticate check-in body; safe = size, DOCTYPE/entity, depth and key checks, then plist.parse',
    ],
  };
}
