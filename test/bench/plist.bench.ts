// The safe plist parser on a typical Authenticate body, against plain `plist.parse`: the pre-checks that
// refuse entities, depth and size bombs must cost next to nothing on the hot path.
import { parse } from 'plist';
import { parsePlistDict } from '../../core/apple/plist-codec.js';
import { AUTHENTICATE_XML, plistXml } from '../core/apple/fixtures.js';
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

// More containers than the depth limit, as an InstalledApplicationList result has: depth is measured in a parse.
const APP_LIST_XML = plistXml(
  `<dict><key>InstalledApplicationList</key><array>${Array.from(
    { length: 200 },
    (_, i) =>
      `<dict><key>Identifier</key><string>com.example.app${i}</string><key>Version</key><string>1.${i}</string></dict>`,
  ).join('')}</array></dict>`,
);

export default async function run(raw: BenchParams): Promise<BenchResult> {
  const params = {
    seconds: intParam(raw, 'seconds', 2, 30),
    bytes: AUTHENTICATE_XML.length,
    appListBytes: APP_LIST_XML.length,
  };
  const safe = rate(() => parsePlistDict(AUTHENTICATE_XML), params.seconds);
  const plain = rate(() => parse(AUTHENTICATE_XML), params.seconds);
  const safeList = rate(() => parsePlistDict(APP_LIST_XML), params.seconds);
  const plainList = rate(() => parse(APP_LIST_XML), params.seconds);
  return {
    params,
    metrics: {
      safe_parse_per_s: metric(safe, 'parses/s'),
      plain_parse_per_s: metric(plain, 'parses/s'),
      overhead: metric((plain / safe - 1) * 100, '%'),
      app_list_safe_parse_per_s: metric(safeList, 'parses/s'),
      app_list_plain_parse_per_s: metric(plainList, 'parses/s'),
      app_list_overhead: metric((plainList / safeList - 1) * 100, '%'),
    },
    notes: [
      'one core; safe = size, DOCTYPE/entity, depth and key checks, then plist.parse',
      'an Authenticate body (few containers: depth bounded by counting them), and a 200-app list (depth measured in a fast-xml-parser pass)',
    ],
  };
}
