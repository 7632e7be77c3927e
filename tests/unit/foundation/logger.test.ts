import { describe, expect, it } from '@jest/globals';
import { createLogger, errorCode, type LogFields } from '../../../runtime/logger.js';

function capture(level: 'debug' | 'info' | 'warn' | 'error' | 'silent' = 'debug') {
  const lines: string[] = [];
  const logger = createLogger({ level, component: 'test', sink: (line) => lines.push(line) });
  return { logger, lines, parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('logger', () => {
  it('writes one JSON object per line with time, level, component, event and allowlisted fields', () => {
    const { logger, parsed } = capture();
    logger.child('http').info('listening', { port: 8080, code: 'X' });
    const [line] = parsed();
    expect(line).toMatchObject({
      level: 'info',
      component: 'test.http',
      event: 'listening',
      port: 8080,
      code: 'X',
    });
    expect(typeof line?.time).toBe('string');
  });

  it('drops fields outside the allowlist and non-primitive values', () => {
    const { logger, lines } = capture();
    const fakeRequest = { ip: '203.0.113.7', headers: { 'user-agent': 'Secret-UA/1.0' } };
    const sneaky = { ip: '203.0.113.7', userAgent: 'Secret-UA/1.0', code: fakeRequest, req: fakeRequest };
    logger.error('request_failed', sneaky as unknown as LogFields);
    logger.error('request_failed', fakeRequest as unknown as LogFields);
    const text = lines.join('\n');
    expect(text).not.toContain('203.0.113.7');
    expect(text).not.toContain('Secret-UA');
    expect(JSON.parse(lines[0] as string)).not.toHaveProperty('code');
  });

  it('refuses free-form event names (they could carry data)', () => {
    const { logger, parsed } = capture();
    logger.info('upload from 203.0.113.7');
    expect(parsed()[0]?.event).toBe('invalid_event_name');
  });

  it('respects the level threshold', () => {
    const { logger, lines } = capture('warn');
    logger.debug('a');
    logger.info('b');
    logger.warn('c');
    logger.error('d');
    expect(lines).toHaveLength(2);
    const silent = capture('silent');
    silent.logger.error('x');
    expect(silent.lines).toHaveLength(0);
  });

  it('extracts only well-formed error codes', () => {
    expect(errorCode(Object.assign(new Error('secret'), { code: 'ECONNREFUSED' }))).toBe('ECONNREFUSED');
    expect(errorCode(new Error('secret'))).toBe('UNKNOWN');
    expect(errorCode({ code: 'has spaces and /paths' })).toBe('UNKNOWN');
  });
});
