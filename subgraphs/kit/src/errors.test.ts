import { GraphQLError } from 'graphql';
import { UpstreamError } from '@huimin/adapters';
import { createFormatError, toGraphQLError } from './errors';

describe('toGraphQLError', () => {
  it('maps an UpstreamError to its partner code and bureau', () => {
    const unavailable = toGraphQLError(new UpstreamError('FINANCE', 'UNAVAILABLE', 'down'));
    expect(unavailable.extensions).toEqual({ code: 'UPSTREAM_UNAVAILABLE', source: 'FINANCE' });
    const timeout = toGraphQLError(new UpstreamError('TRANSIT', 'TIMEOUT', 'slow'));
    expect(timeout.extensions).toEqual({ code: 'UPSTREAM_TIMEOUT', source: 'TRANSIT' });
  });

  it('passes GraphQLErrors through and hides anything else as INTERNAL', () => {
    const own = new GraphQLError('x', { extensions: { code: 'BAD_USER_INPUT' } });
    expect(toGraphQLError(own)).toBe(own);
    const hidden = toGraphQLError(new Error('SELECT * FROM people WHERE id=330102'));
    expect(hidden.message).toBe('Internal error');
    expect(hidden.extensions).toEqual({ code: 'INTERNAL' });
  });
});

describe('createFormatError', () => {
  const lines: string[] = [];
  const format = createFormatError({ error: (line) => lines.push(line) });

  it('keeps registry codes and the bureau, dropping other extensions', () => {
    const out = format({ message: 'FINANCE is unavailable', path: ['a'], extensions: { code: 'UPSTREAM_UNAVAILABLE', source: 'FINANCE', stacktrace: ['x'] } }, undefined);
    expect(out).toEqual({ message: 'FINANCE is unavailable', path: ['a'], extensions: { code: 'UPSTREAM_UNAVAILABLE', source: 'FINANCE' } });
  });

  it('replaces unknown codes with INTERNAL and logs without the message', () => {
    const original = new Error('name 张三 idNumber 330102199001011234');
    const out = format({ message: original.message, path: ['citizen'], extensions: { code: 'WHATEVER' } }, new GraphQLError(original.message, { originalError: original }));
    expect(out).toEqual({ message: 'Internal error', path: ['citizen'], extensions: { code: 'INTERNAL' } });
    expect(lines.join('\n')).not.toContain('330102199001011234');
    expect(lines.join('\n')).toContain('citizen');
  });

  it('folds Apollo-only codes into the registry', () => {
    expect(format({ message: 'bad', extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } }, undefined).extensions).toEqual({ code: 'BAD_USER_INPUT' });
  });
});
