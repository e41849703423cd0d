import type { SubjectKey } from '../subject-id.js';
import type { BindingPlan } from './plan.js';

/**
 * A binding plan as lines a person reads (`User:alice: + admin`, `Group:ops: - viewer`): roles it
 * adds now or records to add next pass, then removals, by subject. Pure.
 */
export function describeBindingPlan(plan: Pick<BindingPlan, 'steps' | 'pending'>): string[] {
  const adds = new Map<SubjectKey, Set<string>>([...plan.pending].map(([k, roles]) => [k, new Set(roles)]));
  const lines: string[] = [];
  for (const step of plan.steps) {
    if (step.kind === 'addRoles') step.roles.forEach((r) => adds.set(step.subject, (adds.get(step.subject) ?? new Set()).add(r)));
    else lines.push(`${step.subject}: - ${step.roles.join(', ')}`);
  }
  const added = [...adds].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, roles]) => `${k}: + ${[...roles].sort().join(', ')}`);
  return [...added, ...lines];
}
