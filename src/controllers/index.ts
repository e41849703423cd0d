// The controllers' public surface: what main wires into the runtime.
import type { ControllerRegistration } from '../runtime/index.js';
import { groupController } from './group/controller.js';
import type { ControllerOptions } from './kinds.js';
import { realmController } from './realm/controller.js';
import { bindingController } from './rolebinding/controller.js';
import { userController } from './user/controller.js';

export { classifyFailure } from './errors.js';
export { DASH_KINDS, controllerDeps, type ControllerOptions } from './kinds.js';

/** The four controllers, in dependency order. */
export function controllers(options: ControllerOptions): ControllerRegistration[] {
  return [realmController(options), groupController(options), userController(options), bindingController(options)];
}
