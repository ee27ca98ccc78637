// Open mode only on loopback or when asked for; TLS settings complete or absent.
import { describe, expect, it } from 'vitest';
import { apiSecurityProblems, isLoopbackHost, type ApiSecuritySettings } from './auth-mode.js';

const base: ApiSecuritySettings = { addr: '127.0.0.1:50051', tokens: '', tokensFile: '', allowOpen: false, tlsCert: '', tlsKey: '', tlsClientCa: '' };

describe('auth mode', () => {
  it('knows loopback addresses', () => {
    for (const h of ['127.0.0.1', '127.8.9.10', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', 'localhost', 'LOCALHOST']) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '[::]', '', '10.0.0.1', '::ffff:10.0.0.1', '128.0.0.1', 'api.example.com', 'localhost.example.com']) expect(isLoopbackHost(h), h).toBe(false);
  });

  it('serves open only on loopback, with tokens, or with ESI_API_ALLOW_OPEN=true', () => {
    expect(apiSecurityProblems(base)).toEqual([]);
    expect(apiSecurityProblems({ ...base, addr: 'localhost:1' })).toEqual([]);
    expect(apiSecurityProblems({ ...base, addr: '[::1]:1' })).toEqual([]);
    const open = apiSecurityProblems({ ...base, addr: '0.0.0.0:50051' });
    expect(open).toHaveLength(1);
    expect(open[0]).toMatch(/ESI_API_ADDR=0\.0\.0\.0:50051 is not a loopback address.*set ESI_API_TOKENS or ESI_API_TOKENS_FILE.*ESI_API_ALLOW_OPEN=true/);
    expect(apiSecurityProblems({ ...base, addr: '0.0.0.0:50051', allowOpen: true })).toEqual([]);
    expect(apiSecurityProblems({ ...base, addr: '0.0.0.0:50051', tokens: 'x' })).toEqual([]);
    expect(apiSecurityProblems({ ...base, addr: '[::]:50051', tokensFile: '/etc/tokens' })).toEqual([]);
  });

  it('refuses a client CA without a server certificate, and a certificate without its key', () => {
    expect(apiSecurityProblems({ ...base, tlsClientCa: 'ca.pem' }).join()).toMatch(/ESI_API_TLS_CLIENT_CA requires ESI_API_TLS_CERT and ESI_API_TLS_KEY/);
    expect(apiSecurityProblems({ ...base, tlsClientCa: 'ca.pem', tlsCert: 'c.pem' })).toHaveLength(2);
    expect(apiSecurityProblems({ ...base, tlsCert: 'c.pem' }).join()).toMatch(/ESI_API_TLS_CERT is set without ESI_API_TLS_KEY/);
    expect(apiSecurityProblems({ ...base, tlsKey: 'k.pem' }).join()).toMatch(/ESI_API_TLS_KEY is set without ESI_API_TLS_CERT/);
    expect(apiSecurityProblems({ ...base, tlsCert: 'c.pem', tlsKey: 'k.pem', tlsClientCa: 'ca.pem' })).toEqual([]);
  });
});
