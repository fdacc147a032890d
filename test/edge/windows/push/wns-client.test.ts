import { describe, expect, it } from 'vitest';
import { channelAllowed, createWnsClient } from '../../../../edge/windows/push/wns-client.js';

describe('WNS channel URIs', () => {
  const hosts = ['notify.windows.com'];

  it('accepts https channels on the WNS host and its subdomains', () => {
    expect(channelAllowed('https://db5p.notify.windows.com/?token=AwYAAAB', hosts)).toBe(true);
    expect(channelAllowed('https://notify.windows.com/x', hosts)).toBe(true);
  });

  it('refuses channels a PC could use to make the edge POST elsewhere', () => {
    for (const uri of [
      'http://db5p.notify.windows.com/?token=x',
      'https://notify.windows.com.attacker.test/x',
      'https://evilnotify.windows.com/x',
      'https://user@db5p.notify.windows.com/x',
      'https://169.254.169.254/latest/meta-data',
      'not a url',
    ])
      expect(channelAllowed(uri, hosts), uri).toBe(false);
  });

  it('answers refused without any request for a channel outside the allowed hosts', async () => {
    const wns = createWnsClient({
      clientId: 'id',
      clientSecret: 'secret',
      // Nothing listens here: a request would fail, not answer `refused`.
      tokenUrl: 'https://127.0.0.1:1/accesstoken.srf',
      channelHosts: hosts,
    });
    expect(await wns.push('https://127.0.0.1:1/channels/x')).toBe('refused');
  });
});
