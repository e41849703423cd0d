import type { z } from 'zod';
import type { ObjectMeta } from '../kube/object.js';
import { API_GROUP_VERSION, type Kind } from './constants.js';
import { dashGroupSpecSchema, dashGroupStatusSchema, type DashGroupSpec, type DashGroupStatus } from './group.js';
import { dashRealmSpecSchema, dashRealmStatusSchema, type DashRealmSpec, type DashRealmStatus } from './realm.js';
import { dashRoleBindingSpecSchema, dashRoleBindingStatusSchema, type DashRoleBindingSpec, type DashRoleBindingStatus } from './role-binding.js';
import { dashUserSpecSchema, dashUserStatusSchema, type DashUserSpec, type DashUserStatus } from './user.js';

/** The spec and status schema of each kind: the single source of the CRDs, the docs and runtime parsing. */
export const SCHEMAS = {
  DashRealm: { spec: dashRealmSpecSchema, status: dashRealmStatusSchema },
  DashGroup: { spec: dashGroupSpecSchema, status: dashGroupStatusSchema },
  DashUser: { spec: dashUserSpecSchema, status: dashUserStatusSchema },
  DashRoleBinding: { spec: dashRoleBindingSpecSchema, status: dashRoleBindingStatusSchema },
} as const satisfies Record<Kind, { spec: z.ZodType; status: z.ZodType }>;

/** The spec type of each kind (after defaults). */
export interface SpecOf {
  DashRealm: DashRealmSpec;
  DashGroup: DashGroupSpec;
  DashUser: DashUserSpec;
  DashRoleBinding: DashRoleBindingSpec;
}

/** The status type of each kind. */
export interface StatusOf {
  DashRealm: DashRealmStatus;
  DashGroup: DashGroupStatus;
  DashUser: DashUserStatus;
  DashRoleBinding: DashRoleBindingStatus;
}

/** A custom resource of kind `K` as read from the API server. */
export interface DashResource<K extends Kind> {
  apiVersion: typeof API_GROUP_VERSION;
  kind: K;
  metadata: ObjectMeta;
  spec: SpecOf[K];
  status?: StatusOf[K];
}

/** A DashRealm object. */
export type DashRealm = DashResource<'DashRealm'>;
/** A DashGroup object. */
export type DashGroup = DashResource<'DashGroup'>;
/** A DashUser object. */
export type DashUser = DashResource<'DashUser'>;
/** A DashRoleBinding object. */
export type DashRoleBinding = DashResource<'DashRoleBinding'>;
/** Any of the four custom resources. */
export type AnyDashResource = DashRealm | DashGroup | DashUser | DashRoleBinding;
