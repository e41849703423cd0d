import { Document } from 'yaml';
import type { Kind } from '../api/index.js';
import type { ExportedObject } from './build.js';

/** The file `--split` writes each kind to. */
export const SPLIT_FILES: Record<Kind, string> = {
  DashRealm: 'realm.yaml',
  DashGroup: 'groups.yaml',
  DashUser: 'users.yaml',
  DashRoleBinding: 'rolebindings.yaml',
};

/**
 * Multi-document YAML of the objects, in the order given, with each object's comment above
 * it and `header` at the top. Strings are quoted wherever YAML would read them otherwise
 * (`---`, `: `, `#`, leading `*`, `yes`, newlines): the `yaml` library decides, never us.
 * Comment text is made single-line per line (no control characters), so Keycloak data in a
 * comment cannot end it and start YAML. Deterministic: no timestamps, no line folding.
 */
export function toYaml(objects: readonly ExportedObject[], header: string): string {
  const docs = objects.map((object, index) => {
    const doc = new Document(object.manifest);
    const comment = [index === 0 ? header : undefined, object.comment].filter((c) => c !== undefined).join('\n');
    // On the contents rather than the document: right above `apiVersion`, no blank line between.
    if (comment && doc.contents) doc.contents.commentBefore = safeComment(comment);
    return doc.toString({ lineWidth: 0, minContentWidth: 0 });
  });
  return docs.map((d) => `---\n${d}`).join('');
}

/** Every line prefixed by one space (YAML writes `#` before it); control characters become spaces. */
function safeComment(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.split('\n').map((line) => ` ${line.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ')}`).join('\n');
}
