// Settings of the Custom Elements Manifest analyzer, which `npm run docs`
// (scripts/docs.ts) runs to write custom-elements.json from the elements' JSDoc.
//
// The class JSDoc of each public element is the one source of its public
// surface: `@attr {values} [name=default] - meaning`, `@fires`, `@csspart`,
// `@cssproperty`. The analyzer's Lit support finds the attributes in
// `static properties`; the plugin below makes the class JSDoc win over the
// fields' one-line docs, refuses an attribute documented there that the code
// lacks (or the reverse), and keeps only the public surface in the manifest.

/** The JSDoc tags that document an attribute. */
const ATTR_TAGS = new Set(['attr', 'attribute']);

/**
 * `{type} [name=default] - description` or `{type} name - description`, as
 * written after `@attr`.
 */
const ATTR_LINE =
  /^(?:\{(?<type>[^}]+)\}\s+)?(?:\[(?<optional>[\w-]+)=(?<default>[^\]]+)\]|(?<name>[\w-]+))\s+-\s+(?<description>[\s\S]+)$/;

/** The `@attr` lines of a class's JSDoc, by attribute name. */
function attrLines(ts, node) {
  const lines = new Map();
  for (const tag of ts.getJSDocTags(node)) {
    if (!ATTR_TAGS.has(tag.tagName.text)) continue;
    const text = ts.getTextOfJSDocComment(tag.comment)?.replace(/\s+/g, ' ').trim() ?? '';
    const m = ATTR_LINE.exec(text);
    if (!m)
      throw new Error(
        `@${tag.tagName.text} ${text}: write it as {values} [name=default] - meaning`,
      );
    const { type, optional, name, description } = m.groups;
    lines.set(optional ?? name, { type, default: m.groups.default, description });
  }
  return lines;
}

/** Names in `static properties` that Lit keeps internal (`state: true`): no attribute. */
function stateProperties(ts, node) {
  const names = new Set();
  for (const member of node.members) {
    const isStatic = member.modifiers?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword);
    if (!isStatic || member.name?.getText() !== 'properties') continue;
    for (const property of member.initializer?.properties ?? []) {
      const options = property.initializer?.properties ?? [];
      const state = options.find((o) => o.name?.getText() === 'state');
      if (state?.initializer.kind === ts.SyntaxKind.TrueKeyword) names.add(property.name.getText());
    }
  }
  return names;
}

/** See the header: the class JSDoc wins, must match the code, and only the public surface stays. */
function publicSurfacePlugin() {
  return {
    name: 'parley-public-surface',
    analyzePhase({ ts, node, moduleDoc }) {
      if (node.kind !== ts.SyntaxKind.ClassDeclaration) return;
      const doc = moduleDoc.declarations.find((d) => d.name === node.name?.getText());
      if (!doc) return;
      const lines = attrLines(ts, node);
      const internal = stateProperties(ts, node);
      doc.attributes = doc.attributes.filter((a) => !internal.has(a.fieldName));
      for (const member of doc.members) {
        if (internal.has(member.name)) delete member.attribute;
      }
      const where = `${moduleDoc.path}, class ${doc.name}`;
      for (const attribute of doc.attributes) {
        const line = lines.get(attribute.name);
        if (!line)
          throw new Error(
            `${where}: attribute "${attribute.name}" has no @attr line in the class JSDoc`,
          );
        // Only what the line says: a default the code computes is described, not given.
        delete attribute.default;
        Object.assign(attribute, {
          description: line.description,
          ...(line.type ? { type: { text: line.type } } : {}),
          ...(line.default ? { default: line.default } : {}),
        });
        lines.delete(attribute.name);
      }
      if (lines.size)
        throw new Error(`${where}: @attr ${[...lines.keys()].join(', ')} not in static properties`);
    },
    packageLinkPhase({ customElementsManifest }) {
      for (const mod of customElementsManifest.modules) {
        mod.declarations = mod.declarations.filter((d) => d.customElement);
        const names = new Set(mod.declarations.map((d) => d.name));
        mod.exports = mod.exports?.filter(
          (e) => e.kind === 'custom-element-definition' || names.has(e.declaration.name),
        );
        for (const element of mod.declarations) {
          element.members = element.members.filter((m) => m.privacy === 'public' && !m.static);
          // The analyzer also reads `dispatchEvent(new CustomEvent(type))` in the
          // one typed emit helper; the events are the ones `@fires` names.
          element.events = element.events.filter((e) => e.description);
        }
      }
    },
  };
}

export default {
  globs: [
    'src/define.ts',
    'src/admin.ts',
    'src/thread/parley-thread.ts',
    'src/admin/parley-admin.ts',
    'src/count/define.ts',
    'src/count/parley-count.ts',
    'src/card/define.ts',
    'src/card/parley-card.ts',
    'src/threads/define.ts',
    'src/threads/parley-threads.ts',
  ],
  litelement: true,
  // The `customElements` field is written once, by hand, in package.json.
  packagejson: false,
  plugins: [publicSurfacePlugin()],
};
