/** Renders the error-code registry as the README's markdown table (a test keeps them in step). */
import { ERROR_CODES } from './errors';

export function errorCodeTable(): string {
  const rows = Object.entries(ERROR_CODES).map(([code, { httpStatus, description }]) => `| \`${code}\` | ${httpStatus} | ${description} |`);
  return ['| code | HTTP status | meaning |', '| --- | --- | --- |', ...rows].join('\n');
}
