import { ANNOTATIONS, REASONS, USER_OWNER_ATTRIBUTE, ownerMark, type DashUser } from '../../api/index.js';
import type { KeycloakUser } from '../../keycloak/port.js';
import { conflict } from '../errors.js';

/** How the DashUser stands toward the Keycloak user it found: see `classifyUser`. */
export type UserClaim = 'none' | 'known' | 'created' | 'adopted';

/**
 * Whose the user found in Keycloak is. The id status recorded: ours as status says. Our owner
 * mark (written in the create request): created by us, whatever became of status. Another
 * resource's mark: Conflict. No mark: someone else's account (an IdP's first login, an LDAP
 * import, a manual creation, even while the DashUser waited), taken over only when the
 * DashUser carries the adopt annotation, else AdoptionRequired and nothing is written.
 */
export function classifyUser(user: DashUser, found: KeycloakUser | undefined): UserClaim {
  if (!found) return 'none';
  if (found.id === user.status?.keycloakId) return 'known';
  const mark = found.attributes[USER_OWNER_ATTRIBUTE]?.[0];
  if (mark === ownerMark(user)) return 'created';
  if (mark) throw conflict(`spec.username: Keycloak user ${user.spec.username} is managed by DashUser ${mark}: change nothing`);
  if (user.metadata.annotations?.[ANNOTATIONS.adopt] === 'true') return 'adopted';
  throw conflict(
    `spec.username: Keycloak user ${user.spec.username} already exists and was not created by this operator; to manage it (its profile, groups and password), annotate the DashUser ${ANNOTATIONS.adopt}: "true"`,
    REASONS.adoptionRequired,
  );
}

/**
 * Whether this DashUser created the Keycloak user: it carries our owner mark, or it is the
 * user status recorded as created (status says `adopted: false` only after a pass that
 * created the user or saw its mark). Never inferred from timestamps.
 */
export function createdByUs(user: DashUser, found: KeycloakUser): boolean {
  if (found.attributes[USER_OWNER_ATTRIBUTE]?.[0] === ownerMark(user)) return true;
  return found.id === user.status?.keycloakId && user.status.adopted === false;
}
