import { parser } from '@prometheus-io/lezer-promql';
import type { SyntaxNode, Tree } from '@lezer/common';

/** A series selector of a query: the metric and the labels its matchers name. */
export interface Selector {
  metric: string;
  labels: string[];
}

/** Labels an aggregation (`by`, `without`) or a vector match (`on`, `ignoring`) names, and the metrics of the expression it applies to. */
export interface Grouping {
  labels: string[];
  metrics: string[];
}

/** What a PromQL expression reads: its selectors and groupings, or the parser's errors. */
export interface QueryUse {
  errors: string[];
  selectors: Selector[];
  groupings: Grouping[];
}

/** Grafana's variables, replaced as Grafana does before the query reaches Prometheus. */
export function expandGrafanaVariables(expr: string): string {
  return expr.replaceAll('$__rate_interval', '5m').replaceAll('$__interval', '1m').replaceAll('$__range', '1h').replace(/\$\{?namespace\}?/g, '.*');
}

/** Parses `expr` with the Prometheus project's own PromQL grammar (lezer-promql) and lists what it reads. */
export function analyse(expr: string): QueryUse {
  const tree = parser.parse(expr);
  const errors: string[] = [];
  const selectors: Selector[] = [];
  const groupings: Grouping[] = [];
  tree.iterate({
    enter(ref) {
      if (ref.type.isError) errors.push(`syntax error at ${ref.from}: …${expr.slice(Math.max(0, ref.from - 20), ref.from + 20)}…`);
      if (ref.name === 'VectorSelector') selectors.push(selectorOf(ref.node, expr));
      if (ref.name === 'GroupingLabels') groupings.push(groupingOf(tree, ref.node, expr));
    },
  });
  return { errors, selectors, groupings };
}

function selectorOf(node: SyntaxNode, expr: string): Selector {
  const metric = node.getChild('Identifier');
  const labels = node.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher').map((m) => text(m.getChild('LabelName'), expr)) ?? [];
  return { metric: text(metric, expr), labels };
}

// The labels of `by (...)` or `on (...)` refer to the series of the expression they group:
// for an aggregation its body, for a vector match both sides of the binary expression.
function groupingOf(tree: Tree, node: SyntaxNode, expr: string): Grouping {
  const labels = node.getChildren('LabelName').map((l) => text(l, expr));
  const scope = node.parent?.name === 'AggregateModifier' ? node.parent.parent : node.parent?.parent;
  const metrics: string[] = [];
  if (scope) {
    tree.iterate({ from: scope.from, to: scope.to, enter: (ref) => {
      if (ref.name === 'Identifier' && ref.from >= scope.from && ref.to <= scope.to) metrics.push(expr.slice(ref.from, ref.to));
    } });
  }
  return { labels, metrics };
}

function text(node: SyntaxNode | null | undefined, expr: string): string {
  return node ? expr.slice(node.from, node.to) : '';
}
