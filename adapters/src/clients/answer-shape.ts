/**
 * Shape checks on decrypted bureau answers. A bureau that answers the wrong shape is treated as
 * unavailable (failure MALFORMED); the message names the field, never its value.
 */
import { UpstreamError, type BureauSource } from '../errors';

export type Json = Record<string, unknown>;

export class AnswerShape {
  constructor(private readonly source: BureauSource) {}

  fail(detail: string): never {
    throw new UpstreamError(this.source, 'MALFORMED', `bureau answer malformed: ${detail}`);
  }

  object(value: unknown, where: string): Json {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(`${where} is not an object`);
    return value as Json;
  }

  array(value: unknown, where: string): unknown[] {
    if (!Array.isArray(value)) this.fail(`${where} is not an array`);
    return value;
  }

  string(object: Json, field: string, where: string): string {
    const value = object[field];
    if (typeof value !== 'string') this.fail(`${where}.${field} is not a string`);
    return value;
  }

  nullableString(object: Json, field: string, where: string): string | null {
    const value = object[field];
    if (value !== null && typeof value !== 'string') this.fail(`${where}.${field} is not a string or null`);
    return value;
  }

  integer(object: Json, field: string, where: string): number {
    const value = object[field];
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) this.fail(`${where}.${field} is not an integer`);
    return value;
  }

  oneOf<T extends string>(object: Json, field: string, allowed: readonly T[], where: string): T {
    const value = object[field];
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) this.fail(`${where}.${field} is not a known value`);
    return value as T;
  }
}
