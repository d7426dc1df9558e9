// Reading the style's paint (from /tiles/style.json, which the layer declarations write):
// the legend's swatches, and the colours the fallback map draws with.

const COLOUR_PROPERTIES = ["circle-color", "fill-color", "line-color"];

/** The style layers drawing `slug` (from its one vector source). */
export function styleLayersOf(style, slug) {
  return style.layers.filter((layer) => layer["source-layer"] === slug);
}

/** The colour expression of the layer drawing `slug`'s features (clusters aside). */
export function colourExpression(style, slug) {
  for (const layer of styleLayersOf(style, slug)) {
    if (layer.filter && JSON.stringify(layer.filter) === '["has","cluster"]') continue;
    for (const property of COLOUR_PROPERTIES) {
      if (layer.paint?.[property] !== undefined) return layer.paint[property];
    }
  }
  return "#5a5a5a";
}

/** Whether `slug` has a layer for clustered cells (groups at low zoom). */
export function hasClusters(style, slug) {
  return styleLayersOf(style, slug).some((layer) => JSON.stringify(layer.filter) === '["has","cluster"]');
}

// ["match", ["to-string", ["get", key]], v1, c1, v2, c2, ..., default]
function matchParts(expression) {
  if (!Array.isArray(expression) || expression[0] !== "match") return null;
  const input = expression[1];
  const get = Array.isArray(input) && input[0] === "to-string" ? input[1] : input;
  if (!Array.isArray(get) || get[0] !== "get") return null;
  const pairs = [];
  for (let i = 2; i < expression.length - 1; i += 2) pairs.push([String(expression[i]), expression[i + 1]]);
  return { key: get[1], pairs, fallback: expression.at(-1) };
}

/** The colour the expression gives a feature with `properties` (constants and `match`). */
export function colourFor(expression, properties) {
  if (typeof expression === "string") return expression;
  const match = matchParts(expression);
  if (!match) return "#5a5a5a";
  const value = String(properties?.[match.key] ?? "");
  const pair = match.pairs.find(([v]) => v === value);
  return pair ? pair[1] : match.fallback;
}

/** Legend entries [{key, colour}] of an expression: one per value, then "other". */
export function legendEntries(expression) {
  if (typeof expression === "string") return [{ key: null, colour: expression }];
  const match = matchParts(expression);
  if (!match) return [];
  return [
    ...match.pairs.map(([value, colour]) => ({ key: `${match.key}:${value}`, colour })),
    { key: "other", colour: match.fallback },
  ];
}
