import {
  BinaryOperationNode,
  LimitNode,
  OffsetNode,
  OperationNodeTransformer,
  OperatorNode,
  ValueNode,
  type KyselyPlugin,
  type OperationNode,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryId,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from 'kysely';

/**
 * SQLite only: writes `LIMIT ?` and `OFFSET ?` as `LIMIT ? + 0` and `OFFSET ? + 0`.
 *
 * SQLite's planner reads a LIMIT (or OFFSET) that is a bare bound parameter while it compiles the
 * statement, and marks the statement to be compiled again whenever that parameter is bound anew.
 * better-sqlite3 binds every parameter on every run, so each run of a prepared `LIMIT ?` statement
 * parsed and planned its SQL again: 15% of the board page query's samples in a `perf` profile of
 * the server (sqlite3Reprepare under sqlite3_step; bench/RESULTS.md). An expression is bound the same way
 * but not read while planning, so the statement is compiled once. The value is unchanged: the
 * parameter is still bound, and `+ 0` keeps an integer an integer.
 */
export class SqliteLimitPlugin implements KyselyPlugin {
  private readonly transformer = new LimitTransformer();

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return this.transformer.transformNode(args.node, args.queryId);
  }

  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(args.result);
  }
}

/** `value + 0` for a bound value; anything else (a literal, an expression) as it is. */
function plusZero(node: OperationNode): OperationNode {
  return ValueNode.is(node) && !node.immediate
    ? BinaryOperationNode.create(node, OperatorNode.create('+'), ValueNode.createImmediate(0))
    : node;
}

class LimitTransformer extends OperationNodeTransformer {
  protected override transformLimit(node: LimitNode, queryId?: QueryId): LimitNode {
    return LimitNode.create(plusZero(super.transformLimit(node, queryId).limit));
  }

  protected override transformOffset(node: OffsetNode, queryId?: QueryId): OffsetNode {
    return OffsetNode.create(plusZero(super.transformOffset(node, queryId).offset));
  }
}
