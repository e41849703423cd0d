import { API_GROUP, API_VERSION, CATEGORY, KINDS, type Kind } from '../../src/api/constants.js';
import { SCHEMAS } from '../../src/api/resources.js';
import { crdName, KIND_DOCS } from './kinds.js';
import { toStructuralSchema, type SchemaNode } from './structural.js';

/** The openAPIV3Schema of a kind: the Kubernetes envelope around the zod-generated spec and status. */
export function kindSchema(kind: Kind): SchemaNode {
  return {
    type: 'object',
    description: KIND_DOCS[kind].description,
    required: ['spec'],
    properties: {
      apiVersion: { type: 'string', description: 'APIVersion of this representation of the object.' },
      kind: { type: 'string', description: 'Kind of the object.' },
      metadata: { type: 'object' },
      spec: toStructuralSchema(SCHEMAS[kind].spec),
      status: toStructuralSchema(SCHEMAS[kind].status),
    },
  };
}

/** The CustomResourceDefinition of a kind, ready to be written as YAML. */
export function buildCrd(kind: Kind): SchemaNode {
  const names = KINDS[kind];
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: crdName(kind, API_GROUP),
      labels: { 'app.kubernetes.io/name': 'dash-keycloak-operator', 'app.kubernetes.io/part-of': 'dash-keycloak-operator' },
    },
    spec: {
      group: API_GROUP,
      scope: 'Namespaced',
      names: {
        kind: names.kind,
        listKind: names.listKind,
        plural: names.plural,
        singular: names.singular,
        shortNames: [...names.shortNames],
        categories: [CATEGORY],
      },
      versions: [{
        name: API_VERSION,
        served: true,
        storage: true,
        subresources: { status: {} },
        additionalPrinterColumns: KIND_DOCS[kind].columns,
        schema: { openAPIV3Schema: kindSchema(kind) },
      }],
    },
  };
}
