"""A field's CEL rules run on an `example` value, as protovalidate does when buf 1.75 checks examples.

buf runs every rule of the field on each example, its `cel` and `cel_expression` rules and the predefined
rules of its rules message too: a rule that yields false is reported with its `message` (or
`"<expression>" returned false`), one that yields a non-empty string with that string, under the rule's
`id` (a `cel_expression`'s id is its expression). cel_eval.py evaluates the expression. A runtime error
(overflow, division by zero, a missing key, a failed conversion) makes protovalidate return an error that
is no violation, and buf stops the whole run with it: RuntimeFailure, with buf's words. What cel_eval.py
does not model raises Unsupported, and the caller leaves that rule's verdict to buf.
"""

from __future__ import annotations

from functools import lru_cache

from workbench.lint.cel_check import CelSyntaxError, Parser, lex
from workbench.lint.cel_values import CelError, UInt, Unsupported
from workbench.lint.run import LintError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from workbench.lint.cel_check import Node

__all__ = ["RuntimeFailure", "UInt", "Unsupported", "cel_violations", "field_cel_rules", "verdict"]


class RuntimeFailure(LintError):
    """A CEL rule failed at run time on an example: buf stops the run with this text (after `Failure: `,
    exit 1); workbench prints it as its other refusals (exit 2)."""


@lru_cache(maxsize=512)  # each rule runs on every example of its field
def parse(expression: str) -> Node:
    errors: list[str] = []
    tokens = lex(expression, errors)
    if errors:
        raise Unsupported(errors[0])
    try:
        return Parser(tokens).parse()
    except CelSyntaxError as e:
        raise Unsupported(str(e)) from e


def plans(expression: str) -> bool:
    """Whether cel-go makes a program of the (compiling) expression: see cel_plan.plan_fails."""
    from workbench.lint.cel_plan import plan_fails

    try:
        return not plan_fails(parse(expression))
    except Unsupported:
        return True


def verdict(expression: str, this: Any, variables: dict[str, Any] | None = None) -> str | bool:
    """False or a non-empty string: the rule fails; True or "": it holds. CelError: a runtime error."""
    import time

    from workbench.lint.cel_eval import evaluate
    from workbench.lint.cel_values import Timestamp

    bound = {"this": this, "now": Timestamp(time.time_ns()), **(variables or {})}
    result = evaluate(parse(expression), bound)
    if isinstance(result, bool) or isinstance(result, str):
        return result
    raise Unsupported("the result is neither bool nor string")


def field_cel_rules(fields: dict[int, list[int | bytes]]) -> list[tuple[str, str, str]]:
    """(id, message, expression) of a FieldRules' `cel` rules, then its `cel_expression`s (id: the expression)."""
    from workbench.lint.protovalidate import CEL_EXPRESSIONS, CEL_RULES, _decode

    out = []
    for raw in fields.get(CEL_RULES, []):
        if isinstance(raw, bytes):
            rule = _decode(raw)
            id_, message, expression = (_text(rule, n) for n in (1, 2, 3))
            out.append((id_, message, expression))
    for raw in fields.get(CEL_EXPRESSIONS, []):
        if isinstance(raw, bytes):
            expression = raw.decode("utf-8", "replace")
            out.append((expression, "", expression))
    return out


def _text(values: dict[int, list[int | bytes]], number: int) -> str:
    found = [v for v in values.get(number, ()) if isinstance(v, bytes)]
    return found[-1].decode("utf-8", "replace") if found else ""


def cel_violations(rules: list[tuple[str, str, str]], this: Any,
                   variables: dict[str, Any] | None = None) -> list[tuple[str, str]] | None:
    """The CEL rules an example fails, as (rule id, message); None: one of them is not evaluated here.
    RuntimeFailure: a rule's evaluation failed, which stops buf."""
    from workbench.breaking.go_quote import go_quote

    out = []
    unsupported = False
    for id_, message, expression in rules:
        try:
            result = verdict(expression, this, variables)
        except Unsupported:
            unsupported = True  # the next rules still run: one of them may stop buf
            continue
        except CelError as e:
            raise RuntimeFailure("Failed with code unknown: unexpected error from protovalidate: runtime error: "
                                 f"error evaluating {id_}: {e}") from None
        if result is False:
            out.append((id_, message or f"{go_quote(expression)} returned false"))
        elif isinstance(result, str) and result:
            out.append((id_, result))
    return None if unsupported else out
