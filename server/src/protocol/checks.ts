// The checks a method's parameter schema is built from (each method's schema stands beside its type,
// in rpc.ts's PincerRequest / PincerNotification). Hand-written: the shapes are small, and a schema
// library would be the largest dependency of the protocol folder, which the client bundles too.

/** A parameter does not fit its method's schema; `field` is its path ("attachments[0].kind"). */
export class ParamsError extends Error {
  override readonly name = "ParamsError";
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`${field} ${problem}`);
  }
}

/** Checks a value at `field` and returns it typed, or throws ParamsError. */
export type Check<T> = (value: unknown, field: string) => T;

const describe = (value: unknown): string => (value === null ? "null" : Array.isArray(value) ? "an array" : typeof value === "string" ? "a string" : typeof value);

export function str(options: { min?: number; max?: number; pattern?: RegExp; patternText?: string } = {}): Check<string> {
  const max = options.max ?? 10_000_000;
  return (value, field) => {
    if (typeof value !== "string") throw new ParamsError(field, `must be a string, not ${describe(value)}`);
    if (value.length < (options.min ?? 0)) throw new ParamsError(field, options.min === 1 ? "must not be empty" : `must have at least ${options.min} characters`);
    if (value.length > max) throw new ParamsError(field, `must have at most ${max} characters (got ${value.length})`);
    if (options.pattern && !options.pattern.test(value)) throw new ParamsError(field, `must be ${options.patternText ?? `like ${options.pattern}`}`);
    return value;
  };
}

export function int(min: number, max: number): Check<number> {
  return (value, field) => {
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
      throw new ParamsError(field, `must be a whole number from ${min} to ${max}, not ${typeof value === "number" ? value : describe(value)}`);
    }
    return value;
  };
}

export const bool: Check<boolean> = (value, field) => {
  if (typeof value !== "boolean") throw new ParamsError(field, `must be true or false, not ${describe(value)}`);
  return value;
};

export function oneOf<const T extends string>(values: readonly T[]): Check<T> {
  return (value, field) => {
    if (typeof value !== "string" || !(values as readonly string[]).includes(value)) throw new ParamsError(field, `must be one of ${values.join(", ")}`);
    return value as T;
  };
}

/** Absent (undefined) passes; null does not, since no pincer/* field is nullable. */
export function optional<T>(check: Check<T>): Check<T | undefined> {
  return (value, field) => (value === undefined ? undefined : check(value, field));
}

export function arrayOf<T>(check: Check<T>, maxItems: number): Check<T[]> {
  return (value, field) => {
    if (!Array.isArray(value)) throw new ParamsError(field, `must be an array, not ${describe(value)}`);
    if (value.length > maxItems) throw new ParamsError(field, `must have at most ${maxItems} items (got ${value.length})`);
    return value.map((item, index) => check(item, `${field}[${index}]`));
  };
}

/** A string → string map, e.g. task inputs. */
export function stringMap(maxEntries: number, valueCheck: Check<string>): Check<Record<string, string>> {
  return (value, field) => {
    const record = plainObject(value, field);
    const keys = Object.keys(record);
    if (keys.length > maxEntries) throw new ParamsError(field, `must have at most ${maxEntries} entries`);
    const out: Record<string, string> = {};
    for (const key of keys) out[key] = valueCheck(record[key], `${field}.${key}`);
    return out;
  };
}

type Shape = Record<string, Check<unknown>>;
type Checked<S extends Shape> = { [K in keyof S]: ReturnType<S[K]> };

/** An object with these fields; unknown extra fields are kept (newer clients may send more). */
export function object<S extends Shape>(shape: S): Check<Checked<S>> {
  return (value, field) => {
    const record = plainObject(value, field);
    for (const [key, check] of Object.entries(shape)) check(record[key], field ? `${field}.${key}` : key);
    return record as Checked<S>;
  };
}

function plainObject(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new ParamsError(field || "params", `must be an object, not ${describe(value)}`);
  return value as Record<string, unknown>;
}

/** Methods without parameters accept none, null or an empty object. */
export const none: Check<Record<string, never>> = (value, field) => {
  if (value !== undefined && value !== null && (typeof value !== "object" || Array.isArray(value))) throw new ParamsError(field || "params", `must be absent or an object, not ${describe(value)}`);
  return {};
};

/** Checks `params` against a method's schema: undefined when they fit, else the message for InvalidParams. */
export function checkParams(method: string, schema: Check<unknown>, params: unknown): string | undefined {
  try {
    schema(params, "");
    return undefined;
  } catch (error) {
    if (error instanceof ParamsError) return `${method}: ${error.message}.`;
    throw error;
  }
}

export const MiB = 1024 * 1024;
export const position = object({ line: int(0, 100_000_000), character: int(0, 100_000_000) });
export const range = object({ start: position, end: position });
export const workDoneToken: Check<string | number | undefined> = (value, field) => {
  if (value !== undefined && typeof value !== "string" && typeof value !== "number") throw new ParamsError(field, `must be a string or a number, not ${describe(value)}`);
  return value;
};
