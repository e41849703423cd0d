import type { z } from 'zod';

/** Kubernetes' `reason` values for a failed CEL rule (the field error type the client sees). */
export type CelReason = 'FieldValueInvalid' | 'FieldValueForbidden' | 'FieldValueRequired' | 'FieldValueDuplicate';

/**
 * One cross-field rule, written once: `rule` is the CEL expression the CRD carries
 * (x-kubernetes-validations) and `check` the same rule in TypeScript, so that objects that
 * never went through admission (older CRD, direct etcd writes) still fail `parseSpec` with
 * the same message. Transition rules (they read `oldSelf`) have no `check`: there is no old
 * object at runtime.
 */
export interface CelRule<T> {
  rule: string;
  /** Names the field and what is allowed; shown verbatim by kubectl and in the InvalidSpec condition. */
  message: string;
  /** JSONPath (relative to the node) of the field the error is reported on, e.g. `.email`. */
  fieldPath?: string;
  reason?: CelReason;
  check?: (value: T) => boolean;
}

/** A rule as it is written into the CRD. */
export interface CrdValidation {
  rule: string;
  message: string;
  fieldPath?: string;
  reason?: CelReason;
}

/**
 * Attaches `rules` and `description` to `schema`: the CEL rules go into the JSON schema the
 * CRD is generated from, the checks run on every zod parse (reported on `fieldPath`).
 */
export function withRules<S extends z.ZodType>(schema: S, description: string, rules: readonly CelRule<z.output<S>>[]): S {
  const checked = schema.superRefine((value, ctx) => {
    for (const r of rules) {
      if (r.check === undefined || r.check(value as z.output<S>)) continue;
      ctx.addIssue({ code: 'custom', message: r.message, path: fieldPathToPath(r.fieldPath) });
    }
  });
  const validations: CrdValidation[] = rules.map(({ rule, message, fieldPath, reason }) => ({
    rule, message, ...(fieldPath ? { fieldPath } : {}), ...(reason ? { reason } : {}),
  }));
  return checked.meta({ description, 'x-kubernetes-validations': validations });
}

// `.a.b` -> ['a', 'b']; the rules here only use plain dotted paths.
function fieldPathToPath(fieldPath: string | undefined): string[] {
  return fieldPath ? fieldPath.split('.').filter(Boolean) : [];
}

/** A CEL rule asserting that a `pattern` (RE2 and ECMAScript alike) matches the whole string. */
export function matchesRule(pattern: RegExp, message: string): CelRule<string> {
  return { rule: `self.matches(${celString(pattern.source)})`, message, check: (v) => pattern.test(v) };
}

/**
 * A transition rule keeping an optional field unchanged after creation: it may be neither
 * added, removed nor changed. Placed on the parent object, because a rule on the field
 * itself is skipped when the field is added or removed.
 */
export function immutableRule(field: string, message: string): CelRule<unknown> {
  return {
    rule: `has(self.${field}) == has(oldSelf.${field}) && (!has(self.${field}) || self.${field} == oldSelf.${field})`,
    message,
    fieldPath: `.${field}`,
  };
}

/** Quotes `value` as a CEL single-quoted raw string literal. */
export function celString(value: string): string {
  if (value.includes("'")) throw new Error(`cannot quote ${value} as a CEL raw string`);
  return `r'${value}'`;
}
