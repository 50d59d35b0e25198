import { describe, expect, it } from 'vitest';
import { appTypeFromUserAgent } from '../../src/modules/analytics/app-type.js';

const UA = {
  desktopChrome:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  macSafari:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  linuxFirefox: 'Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0',
  iPhone:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  androidPhone:
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36',
  iPad: 'Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  androidTablet:
    'Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  kindle:
    'Mozilla/5.0 (Linux; Android 9; KFMAWI) AppleWebKit/537.36 (KHTML, like Gecko) Silk/126.4.1 like Chrome/126.0.6478.71 Safari/537.36',
  curl: 'curl/8.5.0',
};

describe('app type from the User-Agent', () => {
  it('calls desktop browsers and unknown clients WEB', () => {
    expect(appTypeFromUserAgent(UA.desktopChrome)).toBe('WEB');
    expect(appTypeFromUserAgent(UA.macSafari)).toBe('WEB');
    expect(appTypeFromUserAgent(UA.linuxFirefox)).toBe('WEB');
    expect(appTypeFromUserAgent(UA.curl)).toBe('WEB');
    expect(appTypeFromUserAgent(undefined)).toBe('WEB');
    expect(appTypeFromUserAgent('')).toBe('WEB');
  });

  it('calls phones MOBILE', () => {
    expect(appTypeFromUserAgent(UA.iPhone)).toBe('MOBILE');
    expect(appTypeFromUserAgent(UA.androidPhone)).toBe('MOBILE');
  });

  it('calls tablets TABLET, even those whose agent also says Mobile', () => {
    expect(appTypeFromUserAgent(UA.iPad)).toBe('TABLET');
    expect(appTypeFromUserAgent(UA.androidTablet)).toBe('TABLET');
    expect(appTypeFromUserAgent(UA.kindle)).toBe('TABLET');
  });
});
