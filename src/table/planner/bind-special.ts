/**
 * Binding of the expressions with a syntax of their own that map onto built-in functions:
 * the JSON functions (argument encoding of `functions/json.ts`), the ARRAY[...], MAP[...] and
 * ROW(...) constructors, and field (`r.f`) and item (`a[1]`, `m['k']`) access.
 */
import { fieldAccess, literal, nullLiteral, type RexNode } from "../expr/rex.ts";
import type { JsonValueBehavior } from "../sql/ast-calls.ts";
import type { Expr } from "../sql/ast-expr.ts";
import { formatDataType } from "../sql/index.ts";
import { notNull, STRING } from "../types/index.ts";
import { at } from "./errors.ts";

/** Binds a sub-expression (the caller's binder). */
type Bind = (e: Expr) => RexNode;
/** A call of a registered function, typed at the expression's position. */
type Apply = (op: string, args: readonly RexNode[], pos: Expr["pos"]) => RexNode;

function text(s: string): RexNode {
  return literal(s, notNull(STRING()));
}

/** The IR of `e` when it is one of the special forms, else null. */
export function bindSpecial(e: Expr, bind: Bind, apply: Apply): RexNode | null {
  switch (e.kind) {
    case "jsonValue": {
      const args = [bind(e.operand), bind(e.path)];
      args.push(e.returning === undefined ? nullLiteral() : text(formatDataType(e.returning)));
      const behaviour = (b: JsonValueBehavior | undefined): RexNode[] => [
        text(b?.behavior ?? "NULL"),
        b?.value === undefined ? nullLiteral() : bind(b.value),
      ];
      args.push(...behaviour(e.onEmpty), ...behaviour(e.onError));
      return apply("JSON_VALUE", args, e.pos);
    }
    case "jsonQuery":
      return apply(
        "JSON_QUERY",
        [
          bind(e.operand),
          bind(e.path),
          text(e.wrapper ?? "WITHOUT"),
          text(e.onEmpty ?? "NULL"),
          text(e.onError ?? "NULL"),
        ],
        e.pos,
      );
    case "jsonExists": {
      const args = [bind(e.operand), bind(e.path)];
      if (e.onError !== undefined) args.push(text(e.onError));
      return apply("JSON_EXISTS", args, e.pos);
    }
    case "jsonObject":
      return apply(
        "JSON_OBJECT",
        [...e.entries.flatMap((kv) => [bind(kv.key), bind(kv.value)]), text(e.onNull ?? "NULL")],
        e.pos,
      );
    case "jsonArray":
      return apply("JSON_ARRAY", [...e.items.map(bind), text(e.onNull ?? "ABSENT")], e.pos);
    case "array":
      return apply("ARRAY_VALUE", e.elements.map(bind), e.pos);
    case "map":
      return apply(
        "MAP_VALUE",
        e.entries.flatMap((kv) => [bind(kv.key), bind(kv.value)]),
        e.pos,
      );
    case "row":
      return apply("ROW_VALUE", e.fields.map(bind), e.pos);
    case "fieldAccess": {
      const operand = bind(e.operand);
      return at(e.pos, () => fieldAccess(operand, e.field));
    }
    case "item":
      return apply("ITEM", [bind(e.operand), bind(e.index)], e.pos);
    default:
      return null;
  }
}
