/** Where values sit in the response being built: the plan's paths ("@" for every list item) walked over the data. */
import type { JsonObject } from './merge';

export type ResponsePath = Array<string | number>;

/** Every value at `path` under `value` ("@" spreads a list), nulls left out. */
export function valuesAtPath(value: unknown, path: readonly string[], from: number, into: unknown[]): void {
  if (value === null || value === undefined) return;
  if (from === path.length) {
    if (Array.isArray(value)) {
      for (const item of value) if (item !== null && item !== undefined) into.push(item);
    } else into.push(value);
    return;
  }
  const head = path[from] as string;
  if (head === '@') {
    if (Array.isArray(value)) for (const item of value) valuesAtPath(item, path, from + 1, into);
    return;
  }
  if (Array.isArray(value)) return;
  const object = value as JsonObject;
  valuesAtPath(Object.prototype.hasOwnProperty.call(object, head) ? object[head] : undefined, path, from + 1, into);
}

/** The response path of each non-null value at `path`, in the order valuesAtPath lists them. */
export function responsePathsAt(value: unknown, path: readonly string[], from: number, prefix: ResponsePath, into: ResponsePath[]): void {
  if (value === null || value === undefined) return;
  if (from === path.length) {
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        if (item !== null && item !== undefined) into.push([...prefix, index]);
      });
    } else into.push(prefix.slice());
    return;
  }
  const head = path[from] as string;
  if (head === '@') {
    if (Array.isArray(value)) value.forEach((item, index) => responsePathsAt(item, path, from + 1, [...prefix, index], into));
    return;
  }
  if (Array.isArray(value)) return;
  const object = value as JsonObject;
  if (!Object.prototype.hasOwnProperty.call(object, head)) return;
  responsePathsAt(object[head], path, from + 1, [...prefix, head], into);
}
