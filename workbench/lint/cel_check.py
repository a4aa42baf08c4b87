"""Compile a protovalidate CEL expression as buf does (cel-go's parser and checker) and say what fails.

buf's PROTOVALIDATE rule compiles each `cel` expression in protovalidate's CEL environment (the
standard library, cel-go's strings extension, protovalidate's functions, `this` typed as the field or
message, `now`) and reports cel-go's issues and the expression's result type. PyPI's cel-python
(`celpy`) parses with another grammar and does no type checking (`foo + 1` compiles), so this is a
small CEL front end of its own: a lexer and precedence parser following cel-go's grammar, and a
checker with cel-go's overloads and its wording ("undeclared reference to 'x' (in container '')",
"undefined field 'x'", "found no matching overload for '_+_' applied to '(int, string)'").

cel-go's limits are counted as cel-go counts them: the rules its ANTLR parser has entered and not left
(more than 250 of one rule: "expression recursion limit exceeded: 250"), then the operators, selections,
calls and indexes on a path of the tree ("max recursion depth exceeded"). Parser and checker run their
rules on a list (run_steps), not on Python's stack; only the type functions recurse, through the nesting
of one type (some 500 levels at most).

Where it cannot be exact: cel-go's syntax errors come from an ANTLR parser whose error recovery lists
the tokens it expected; the common shapes are reproduced (an expression cut short, a token after the
end, a character no token starts with, an unterminated string, a literal's trailing comma), others are
reported with the same prefix and location and a message that may differ. Beside such an error, cel-go
visits the tree ANTLR recovered and adds "max recursion depth exceeded" when it is too deep: here, when
a subtree parsed before the error is. Optional syntax (`a.?f`, `[?e]`, `{?k: v}`, `A{?f: v}`, `m[?k]`)
is not enabled in buf's environment: "unsupported syntax". A function or field it does not know makes the
result `dyn`, never a finding of its own, except a plain unknown function name (as cel-go does).
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Generator
    from typing import Any

    Step = Generator[Any, Any, Any]  # a rule as run_steps runs it: it yields the rules it needs, gets their results

PRIMARY_START = ("{'[', '{', '(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, "
                 "BYTES, IDENTIFIER}")
INDEX_START = PRIMARY_START.replace("'!', ", "'!', '?', ")
CALL_START = PRIMARY_START.replace("'(', ", "'(', ')', ")
PRIMARY_KINDS = {"[", "{", "(", ".", "-", "!", "BOOL", "NULL", "FLOAT", "INT", "UINT", "STRING", "BYTES", "IDENT"}
# after a ',' in a list or map literal: another element, else the comma was a trailing one (ANTLR then
# wants the closing bracket, and conjures it when what comes could follow it: "missing ']' at '<EOF>'")
ELEMENT_START = PRIMARY_KINDS | {"?"}
AFTER_OPERAND = {"EOF", "==", "!=", "<=", ">=", "&&", "||", "<", ">", "+", "-", "*", "/", "%", "?", ":", ".", ",",
                 "[", "]", "}", ")", "in"}
RESERVED = {"as", "break", "const", "continue", "else", "for", "function", "if", "import", "let", "loop",
            "package", "namespace", "return", "var", "void", "while"}


class CelSyntaxError(Exception):
    pass


# ---------------------------------------------------------------- types: tuples, ("list", T), ("map", K, V)

Type = tuple  # ("int",), ("list", elem), ("map", key, value), ("message", full_name), ("wrapper", prim) ...
INT, UINT, DOUBLE, BOOL, STRING, BYTES = ("int",), ("uint",), ("double",), ("bool",), ("string",), ("bytes",)
NULL, DYN, ERROR, TYPE = ("null",), ("dyn",), ("error",), ("type",)
TIMESTAMP, DURATION = ("message", "google.protobuf.Timestamp"), ("message", "google.protobuf.Duration")
NUMERIC = (INT, UINT, DOUBLE)
ANY = ("any",)  # google.protobuf.Any: named so in messages, matched as dyn
WELL_KNOWN_CEL: dict[str, Type] = {"google.protobuf.Timestamp": TIMESTAMP, "google.protobuf.Duration": DURATION,
                                   "google.protobuf.Any": ANY}


def fmt(t: Type) -> str:
    kind = t[0]
    if kind == "list":
        return f"list({fmt(t[1])})"
    if kind == "map":
        return f"map({fmt(t[1])}, {fmt(t[2])})"
    if t == TIMESTAMP:
        return "timestamp"
    if t == DURATION:
        return "duration"
    if kind == "message":
        return str(t[1])
    if kind == "wrapper":
        return f"wrapper({fmt(t[1])})"
    if kind == "type":
        return "type"
    if kind == "error":
        return "!error!"
    return str(kind)


def unify(a: Type, b: Type) -> Type | None:
    """The common type of a and b as cel-go's type parameters bind them, or None."""
    if a == b:
        return a
    if a in (DYN, ERROR, ANY) or b in (DYN, ERROR, ANY):  # cel-go: ill-typed operands and Any match as dyn
        return DYN
    if a == NULL or b == NULL:
        other = b if a == NULL else a
        return other if other[0] in ("message", "wrapper") else None
    if a[0] == "wrapper" and a[1] == b:
        return a
    if b[0] == "wrapper" and b[1] == a:
        return b
    if a[0] == b[0] == "list":
        e = unify(a[1], b[1])
        return ("list", e) if e is not None else None
    if a[0] == b[0] == "map":
        k, v = unify(a[1], b[1]), unify(a[2], b[2])
        return ("map", k, v) if k is not None and v is not None else None
    return None


def _less_specific(a: Type, b: Type) -> bool:
    """cel-go's isEqualOrLessSpecific: dyn is less specific than anything, kinds must agree."""
    if a in (DYN, ANY):  # cel-go's isDyn: dyn and Any
        return True
    if b in (DYN, ANY) or a[0] != b[0]:
        return False
    if a[0] in ("list", "map", "wrapper"):
        return all(_less_specific(x, y) for x, y in zip(a[1:], b[1:], strict=True))
    return a == b


def most_general(a: Type, b: Type) -> Type:
    return a if _less_specific(a, b) else b


def _plain(t: Type) -> Type:
    return t[1] if t[0] == "wrapper" else t


# ---------------------------------------------------------------- lexer


OPERATORS = ("==", "!=", "<=", ">=", "&&", "||", "<", ">", "!", "+", "-", "*", "/", "%", "?", ":", ".", ",",
             "[", "]", "{", "}", "(", ")")


# CEL's grammar spells digits and letters in ASCII: str.isdigit() and str.isalpha() also take '²' or
# 'é', and a letter the identifier loop then refused left the lexer where it was (a hang).
DIGITS = frozenset("0123456789")
IDENT_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
IDENT_PART = IDENT_START | DIGITS


class Token:
    __slots__ = ("kind", "text", "value")

    def __init__(self, kind: str, text: str, value: object = None) -> None:
        self.kind, self.text, self.value = kind, text, value


def lex(src: str, errors: list[str]) -> list[Token]:
    out: list[Token] = []
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if c in " \t\n\r\f":
            i += 1
            continue
        if src.startswith("//", i):
            while i < n and src[i] != "\n":
                i += 1
            continue
        start = i
        if c in DIGITS or (c == "." and i + 1 < n and src[i + 1] in DIGITS):
            i = _number(src, i, out)
            continue
        lower = src[i:i + 3].lower()
        prefix = 0
        while prefix < 2 and i + prefix < n and src[i + prefix] in "rRbB":
            prefix += 1
        if prefix and i + prefix < n and src[i + prefix] in "'\"" and lower[:prefix] in ("r", "b", "rb", "br"):
            end = _string_end(src, i + prefix)
            if end >= 0:
                kind = "BYTES" if "b" in lower[:prefix] else "STRING"
                out.append(Token(kind, src[start:end]))
                i = end
                continue
            # ANTLR falls back to the longest token it had: the prefix as an identifier
            out.append(Token("IDENT", src[start:i + prefix]))
            i += prefix
            continue
        if c in IDENT_START:
            while i < n and src[i] in IDENT_PART:
                i += 1
            word = src[start:i]
            kind = {"true": "BOOL", "false": "BOOL", "null": "NULL", "in": "in"}.get(word, "IDENT")
            out.append(Token(kind, word))
            continue
        if c in "'\"":
            end = _string_end(src, i)
            if end >= 0:
                out.append(Token("STRING", src[start:end]))
                i = end
            elif src.startswith(c * 3, i):
                out.append(Token("STRING", c * 2))  # the longest token ANTLR had: an empty string
                i += 2
            else:
                fail = _unterminated(src, i)  # ANTLR shows the text up to and with the character it failed at
                errors.append(f"token recognition error at: '{_display(src[start:fail + 1])}'")
                i = fail + 1
            continue
        if c == "`":  # ESC_IDENTIFIER: `a-b.c/d e`
            j = i + 1
            while j < n and (src[j].isascii() and (src[j].isalnum() or src[j] in "_.-/ ")):
                j += 1
            if j < n and src[j] == "`" and j > i + 1:
                out.append(Token("ESCIDENT", src[i:j + 1]))
                i = j + 1
            else:
                errors.append(f"token recognition error at: '{_display(src[i:j + 1])}'")
                i = j + 1
            continue
        op = next((o for o in OPERATORS if src.startswith(o, i)), None)
        if op is None:
            # a character that starts a longer token ('&&', '||', '==') fails at the next one
            width = 2 if c in "&|=" and i + 1 < n else 1
            errors.append(f"token recognition error at: '{_display(src[i:i + width])}'")
            i += width
            continue
        out.append(Token(op, op))
        i += len(op)
    out.append(Token("EOF", "<EOF>"))
    return out


def _display(text: str) -> str:
    return text.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")


def _number(src: str, i: int, out: list[Token]) -> int:
    n, start = len(src), i
    if src.startswith(("0x", "0X"), i):
        i += 2
        while i < n and src[i] in "0123456789abcdefABCDEF":
            i += 1
    else:
        while i < n and src[i] in DIGITS:
            i += 1
        is_float = False
        if i + 1 < n and src[i] == "." and src[i + 1] in DIGITS:
            is_float = True
            i += 1
            while i < n and src[i] in DIGITS:
                i += 1
        if i < n and src[i] in "eE":
            j = i + 1
            if j < n and src[j] in "+-":
                j += 1
            if j < n and src[j] in DIGITS:
                is_float = True
                i = j
                while i < n and src[i] in DIGITS:
                    i += 1
        if is_float:
            out.append(Token("FLOAT", src[start:i]))
            return i
    if i < n and src[i] in "uU":
        out.append(Token("UINT", src[start:i + 1]))
        return i + 1
    out.append(Token("INT", src[start:i]))
    return i


def _unterminated(src: str, i: int) -> int:
    """Where the lexer fails on a single-quoted string that never closes: its line's end, or the input's."""
    j = i + 1
    while j < len(src) and src[j] not in "\r\n":
        j += 2 if src[j] == "\\" else 1
    return min(j, len(src))


def _string_end(src: str, i: int) -> int:
    """End (exclusive) of the string literal whose quote is at src[i], or -1 when it never closes."""
    n = len(src)
    quote = src[i:i + 3] if src[i:i + 3] in ("'''", '"""') else src[i]
    j = i + len(quote)
    while j < n:
        if src.startswith(quote, j):
            return j + len(quote)
        if src[j] == "\\":
            j += 2
            continue
        if len(quote) == 1 and src[j] in "\r\n":
            return -1
        j += 1
    return -1


# ---------------------------------------------------------------- parser (cel-go's CEL.g4 precedence)

Node = tuple  # ("lit", Type, text) ("ident", name) ("select", operand, field) ("call", fn, target|None, args)
#              ("list", elems) ("map", entries) ("struct", name, fields) ("comp", macro, range, var, body...)
#              ("bad", issue, counted, children): where cel-go's visitor reports an issue instead of a node

# cel-go's parser limits, left at parser.NewParser's defaults by protovalidate
MAX_RECURSION = 250
MAX_CODE_POINTS = 100_000
RELATIONAL = ("<", "<=", ">", ">=", "==", "!=", "in")
LITERALS = {"INT": INT, "UINT": UINT, "FLOAT": DOUBLE, "STRING": STRING, "BYTES": BYTES, "BOOL": BOOL, "NULL": NULL}
# What cel-go's visitor counts towards its depth (checkAndIncrementRecursionDepth): a ternary, a relation or calc
# with its operator, a selection, a member call (macros too), an index. Parentheses, '!', '-', '&&', '||' (it
# balances those), global calls and list, map and message literals do not count.
VISITOR_COUNTED = {"_?_:_", "_==_", "_!=_", "_<_", "_<=_", "_>_", "_>=_", "@in", "_+_", "_-_", "_*_", "_/_", "_%_",
                   "_[_]"}


def run_steps(rule: Step, finished: list[Any] | None = None) -> Any:
    """Run a rule, and the rules it yields, on a list instead of Python's stack (`finished` collects what
    each rule returned, as they finish).

    A level of CEL nesting passes through some eight rules, so the 250 levels cel-go allows would take
    thousands of Python frames, past Python's recursion limit; here they take list entries.
    """
    waiting: list[Step] = []  # the rules that yielded, innermost last
    value: Any = None
    while True:
        try:
            needed = rule.send(value)
        except StopIteration as done:
            if finished is not None:
                finished.append(done.value)
            if not waiting:
                return done.value
            rule, value = waiting.pop(), done.value
        else:
            waiting.append(rule)
            rule, value = needed, None


class RecursionLimit(CelSyntaxError):
    """cel-go's recursionListener stopped the parse: nothing gets visited, so no visitor issue comes with it."""


class Parser:
    """CEL's grammar as ANTLR runs it, each rule a Step (unary and member share one) entered where ANTLR
    enters it: cel-go's recursionListener counts rule entries, and this parser counts the same ones."""

    def __init__(self, tokens: list[Token]) -> None:
        self.t, self.i = tokens, 0
        self.expected = PRIMARY_START  # what an expr's first token may be, as ANTLR lists it
        self.expected_at = 0  # that token's index: any later operand may start with PRIMARY_START
        self.late: list[str] = []  # what cel-go's visitor reports beside ANTLR's errors, for a parse that fails
        self.finished: list[Any] = []  # every rule's result, as the rules finish (the subtrees built)
        self.errors: list[str] = []  # ANTLR's errors it recovered from by deleting or conjuring one token
        self.brackets = 0  # inside (), [], {} or a call's arguments
        # Rules entered and not yet left, as the recursionListener counts them per rule. Only these three can
        # outgrow the others: every nested operand is a new expr, and relation and calc are entered once more
        # for the right side of each operator (`a + (b + (...))` enters calc twice per level, expr once).
        # ANTLR's left recursion keeps a chain (`a + b + c`) to one entry: it leaves and re-enters the rule's
        # context at each operator.
        self.entered = {"expr": 0, "relation": 0, "calc": 0}

    def enter(self, rule: str) -> None:
        self.entered[rule] += 1
        if self.entered[rule] > MAX_RECURSION:
            raise RecursionLimit(*self.errors, f"expression recursion limit exceeded: {MAX_RECURSION}")

    def leave(self, rule: str) -> None:
        self.entered[rule] -= 1

    def fail(self, *messages: str) -> CelSyntaxError:
        """An error ANTLR recovers from at the rule level, which this parser does not follow: stop here."""
        return CelSyntaxError(*self.errors, *messages)

    def delete_or_fail(self, expected: str, allowed: set[str], word: str = "mismatched") -> None:
        """ANTLR's single-token deletion: a stray token before one that fits is reported and skipped."""
        tok = self.peek()
        if tok.kind != "EOF" and self.peek(1).kind in allowed:
            self.errors.append(f"extraneous input '{tok.text}' expecting {expected}")
            self.take()
            return
        raise self.fail(f"{word} input '{tok.text}' expecting {expected}")

    def visit_error(self, issue: str, counted: bool, children: list[Node]) -> Node:
        """An issue of cel-go's visitor (a macro's argument, a reserved word), reported after `children`."""
        self.late.append(issue)
        return ("bad", issue, counted, children)

    def peek(self, k: int = 0) -> Token:
        return self.t[min(self.i + k, len(self.t) - 1)]

    def take(self) -> Token:
        tok = self.peek()
        self.i += 1
        return tok

    def expect(self, kind: str) -> Token | None:
        tok = self.peek()
        if tok.kind != kind:
            if tok.kind != "EOF" and self.peek(1).kind == kind:  # deletes the stray token
                self.errors.append(f"extraneous input '{tok.text}' expecting '{kind}'")
                self.take()
                return self.take()
            # ANTLR conjures the missing token when what comes next could follow it
            if tok.kind in (PRIMARY_KINDS if kind == ":" else AFTER_OPERAND):
                self.errors.append(f"missing '{kind}' at '{tok.text}'")
                return None
            raise self.fail(f"mismatched input '{tok.text}' expecting '{kind}'")
        return self.take()

    def parse(self) -> Node:
        tree: Node = run_steps(self.start(), self.finished)
        return tree

    def too_deep(self) -> bool:
        """Whether a subtree parsed before a syntax error is deeper than cel-go's visitor goes: cel-go visits
        the tree ANTLR recovered, and reports "max recursion depth exceeded" beside the syntax error."""
        depths: dict[int, int] = {}
        return any(isinstance(n, tuple) and n and _visited_depth(n, depths) > MAX_RECURSION for n in self.finished)

    def start(self) -> Step:
        node = yield self.expr()
        tok = self.peek()
        if tok.kind != "EOF":
            word = "extraneous" if self.peek(1).kind == "EOF" else "mismatched"
            raise self.fail(f"{word} input '{tok.text}' expecting <EOF>")
        if self.errors:
            raise self.fail()
        return node

    def expr(self, expected: str = "") -> Step:
        self.enter("expr")
        self.expected, self.expected_at = expected or PRIMARY_START, self.i
        node = yield self.or_()
        if self.peek().kind == "?":
            self.take()
            yes = yield self.or_()
            if self.peek().kind == "?" and self.brackets and any(t.kind == ":" for t in self.t[self.i + 1:]):
                # a ternary in the middle branch needs parentheses; nested, ANTLR's recovery stops at the ':'
                raise self.fail("mismatched input '?' expecting ':'", "mismatched input ':' expecting <EOF>")
            self.expect(":")
            no = yield self.expr()  # ANTLR's `e2=expr`: an entry inside this one
            node = ("call", "_?_:_", None, [node, yes, no])
        self.leave("expr")
        return node

    def or_(self) -> Step:
        node = yield self.and_()
        while self.peek().kind == "||":
            self.take()
            right = yield self.and_()
            node = ("call", "_||_", None, [node, right])
        return node

    def and_(self) -> Step:
        node = yield self.relation()
        while self.peek().kind == "&&":
            self.take()
            right = yield self.relation()
            node = ("call", "_&&_", None, [node, right])
        return node

    def relation(self, operand: bool = False) -> Step:
        """ANTLR's left-recursive relation[_p]: a calc and the relational operators after it. An operator's right
        side is relation[2] (`operand`), which takes no operator itself, so `a < b < c` is left-associative."""
        self.enter("relation")
        node = yield self.calc()
        while not operand and self.peek().kind in RELATIONAL:
            op = self.take().kind
            right = yield self.relation(operand=True)
            node = ("call", "@in" if op == "in" else f"_{op}_", None, [node, right])
        self.leave("relation")
        return node

    def calc(self, precedence: int = 0) -> Step:
        """ANTLR's left-recursive calc[_p]: '*' '/' '%' bind at precedence 2 with calc[3] on their right, '+' '-'
        at 1 with calc[2], and calc[_p] takes only operators binding at _p or more."""
        self.enter("calc")
        node = yield self.unary()
        while True:
            kind = self.peek().kind
            if kind in ("*", "/", "%") and precedence <= 2:
                right_precedence = 3
            elif kind in ("+", "-") and precedence <= 1:
                right_precedence = 2
            else:
                break
            self.take()
            right = yield self.calc(right_precedence)
            node = ("call", f"_{kind}_", None, [node, right])
        self.leave("calc")
        return node

    def unary(self) -> Step:
        """unary and member: a run of '!' or '-', an operand, selections, calls and indexes after it."""
        kind = self.peek().kind
        count = 0
        if kind in ("!", "-"):
            while self.peek().kind == kind:
                self.take()
                count += 1
            if self.peek().kind == "EOF":
                if kind == "!":  # ANTLR's sync in the ('!')+ loop deletes the end of input
                    raise self.fail(f"extraneous input '<EOF>' expecting {PRIMARY_START}")
                raise self.fail(f"mismatched input '<EOF>' expecting {PRIMARY_START}",
                                f"no viable alternative at input '{'-' * count}'")
        tok = self.peek()
        if kind == "-" and tok.kind in ("INT", "FLOAT") and count % 2 == 1:
            self.take()  # a negative literal: the last '-' is its sign, and none is left to negate
            node: Node = ("lit", LITERALS[tok.kind], "-" + tok.text)
            count = 0
        elif tok.kind in LITERALS:  # the most common operand, without a step of its own
            self.take()
            node = ("lit", LITERALS[tok.kind], tok.text)
        else:
            node = yield self.primary()
        if self.peek().kind in (".", "["):
            node = yield self.member_tail(node)
        # cel-go drops an even run of '!' or '-' and keeps one of an odd run
        return ("call", "!_" if kind == "!" else "-_", None, [node]) if count % 2 else node

    def member_tail(self, node: Node) -> Step:
        while True:
            kind = self.peek().kind
            if kind == ".":
                self.take()
                if self.peek().kind == "?" and self.peek(1).kind in ("IDENT", "ESCIDENT"):
                    # an optional selection, a.?f, which buf's environment does not enable: cel-go visits the
                    # operand, then reports it in place of the selection
                    self.take()
                    self.ident_name()
                    self.late.append("unsupported syntax '.?'")
                    node = ("bad", "unsupported syntax '.?'", True, [node])
                    continue
                after = self.peek()
                if after.kind not in ("IDENT", "ESCIDENT"):
                    shown = "." + (after.text if after.kind != "EOF" else "")
                    raise self.fail(f"no viable alternative at input '{shown}'")
                name = self.ident_name()
                if self.peek().kind == "(":
                    self.take()
                    args = yield self.args(")")
                    node = self.macro(name, node, args) or ("call", name, node, args)
                else:
                    node = ("select", node, name)
            elif kind == "[":
                self.take()
                optional = self.peek().kind == "?"
                if optional:
                    self.take()  # an optional index: a[?key], which buf's environment does not enable
                    self.late.append("unsupported syntax '[?'")
                self.brackets += 1
                index = yield self.expr(INDEX_START)
                self.expect("]")
                self.brackets -= 1
                # cel-go's visitor reports the '[?' after visiting both sides, in place of the index
                node = ("bad", "unsupported syntax '[?'", True, [node, index]) if optional else \
                    ("call", "_[_]", None, [node, index])
            else:
                return node

    def ident_name(self) -> str:
        tok = self.peek()
        if tok.kind == "ESCIDENT":
            self.take()
            return tok.text[1:-1]
        if tok.kind != "IDENT":
            raise self.fail(f"mismatched input '{tok.text}' expecting IDENTIFIER")
        self.take()
        return tok.text

    def args(self, close: str) -> Step:
        out: list[Node] = []
        if self.peek().kind == close:
            self.take()
            return out
        if close == "]" and self.peek().kind == ",":  # `[,]`: no elements, a trailing comma
            self.take()
            self.close_after_comma(close)
            return out
        self.brackets += 1
        while True:
            optional = close == "]" and self.peek().kind == "?"
            if optional:  # an optional element, [?e]: cel-go visits it, then reports the '?', and keeps it
                self.take()
            out.append((yield self.expr(CALL_START if close == ")" and not out else PRIMARY_START)))
            if optional:
                self.late.append("unsupported syntax '?'")
                out[-1] = ("bad", "unsupported syntax '?'", False, [out[-1]])
            if close == "]" and self.peek().kind not in (",", "]"):
                self.delete_or_fail("{']', ','}", {",", "]"})
            if self.peek().kind == ",":
                self.take()
                if close == "]" and self.peek().kind not in ELEMENT_START:  # a list's trailing comma
                    self.close_after_comma(close)
                    self.brackets -= 1
                    return out
                continue
            break
        self.expect(close)
        self.brackets -= 1
        return out

    def close_after_comma(self, close: str) -> None:
        """The bracket after a literal's trailing comma: ANTLR conjures it only at the end of the input."""
        tok = self.peek()
        if tok.kind == close:
            self.take()
        elif tok.kind == "EOF":
            self.errors.append(f"missing '{close}' at '<EOF>'")
        elif self.peek(1).kind == close:
            self.errors.append(f"extraneous input '{tok.text}' expecting '{close}'")
            self.take()
            self.take()
        else:
            raise self.fail(f"mismatched input '{tok.text}' expecting '{close}'")

    def primary(self) -> Step:
        tok = self.peek()
        kind = tok.kind
        if kind == ".":
            self.take()
            after = self.peek()
            if after.kind != "IDENT":
                raise self.fail(f"no viable alternative at input '.{after.text if after.kind != 'EOF' else ''}'")
            return (yield self.primary())
        if kind == "IDENT":
            name = self.ident_name()
            j = 0  # a message literal may name its type with dots: pkg.v1.Name{field: value}
            while self.peek(j).kind == "." and self.peek(j + 1).kind == "IDENT":
                j += 2
            if j and self.peek(j).kind == "{":
                while self.peek().kind == ".":
                    self.take()
                    name += "." + self.ident_name()
            if self.peek().kind == "(":
                self.take()
                args = yield self.args(")")
                if name in RESERVED:  # cel-go checks the name before visiting the arguments, and skips them
                    return self.visit_error(f"reserved identifier: {name}", False, [])
                return self.macro(name, None, args) or ("call", name, None, args)
            if self.peek().kind == "{":  # a message literal: Name{field: value}
                return (yield self.message(name))
            if name in RESERVED:  # as an identifier only: a field may be called `if`
                return self.visit_error(f"reserved identifier: {name}", False, [])
            return ("ident", name)
        if kind == "(":
            self.take()
            self.brackets += 1
            node = yield self.expr()
            self.expect(")")
            self.brackets -= 1
            return node
        if kind == "[":
            self.take()
            return ("list", (yield self.args("]")))
        if kind == "{":
            self.take()
            self.brackets += 1
            entries: list[tuple[Node, Node]] = []
            if self.peek().kind == ",":  # `{,}`: no entries, a trailing comma
                self.take()
                self.close_after_comma("}")
                self.brackets -= 1
                return ("map", entries)
            while self.peek().kind != "}":
                optional = self.peek().kind == "?"
                if optional:  # an optional entry, {?k: v}: cel-go reports it and visits neither side
                    self.take()
                    self.late.append("unsupported syntax '?'")
                key = yield self.expr()
                self.expect(":")
                value = yield self.expr()
                entries.append((("bad", "unsupported syntax '?'", False, []), ("lit", DYN)) if optional
                               else (key, value))
                if not self.another_entry():
                    break
                if self.peek().kind not in ELEMENT_START:  # a trailing comma
                    self.close_after_comma("}")
                    self.brackets -= 1
                    return ("map", entries)
            self.expect("}")
            self.brackets -= 1
            return ("map", entries)
        if kind == "-" and self.peek(1).kind in ("INT", "FLOAT"):  # a literal's sign: !-1
            self.take()
            tok = self.take()
            return ("lit", INT if tok.kind == "INT" else DOUBLE, "-" + tok.text)
        if kind in LITERALS:
            return ("lit", LITERALS[kind], self.take().text)
        first = self.i == self.expected_at
        expected = self.expected if first else PRIMARY_START
        if kind == "EOF":
            raise self.fail(f"mismatched input '<EOF>' expecting {expected}")
        # ANTLR deletes one token when the next one could start the operand, else gives up on it
        self.delete_or_fail(expected, PRIMARY_KINDS)
        if first:
            self.expected_at = self.i  # the operand still starts the expr
        return (yield self.primary())

    def message(self, name: str) -> Step:
        """A message literal's fields, from its '{'."""
        self.take()
        self.brackets += 1
        fields: list[tuple[str, Node]] = []
        if self.peek().kind == ",":  # `A{,}`: no fields, a trailing comma
            self.take()
            self.close_after_comma("}")
            self.brackets -= 1
            return ("struct", name, fields)
        while self.peek().kind != "}":
            if self.peek().kind not in ("IDENT", "ESCIDENT", "?"):
                raise self.fail(f"mismatched input '{self.peek().text}' expecting "
                                "{'}', ',', '?', IDENTIFIER, ESC_IDENTIFIER}")
            optional = self.peek().kind == "?"
            if optional:
                self.take()
                self.late.append("unsupported syntax '?'")
            field = self.ident_name()
            self.expect(":")
            value = yield self.expr()
            # cel-go's visitor reports an optional field and skips its value
            fields.append((field, ("bad", "unsupported syntax '?'", False, []) if optional else value))
            if not self.another_entry():
                break
            if self.peek().kind not in ("IDENT", "ESCIDENT", "?"):  # a trailing comma
                self.close_after_comma("}")
                self.brackets -= 1
                return ("struct", name, fields)
        self.expect("}")
        self.brackets -= 1
        return ("struct", name, fields)

    def another_entry(self) -> bool:
        """After an entry of a map or message literal: whether a ',' brings another (ANTLR first deletes a
        stray token before a ',' or the '}')."""
        if self.peek().kind not in (",", "}"):
            self.delete_or_fail("{'}', ','}", {",", "}"})
        if self.peek().kind != ",":
            return False
        self.take()
        return True

    def macro(self, name: str, target: Node | None, args: list[Node]) -> Node | None:
        """has(), and all/exists/exists_one/filter/map on a target, as cel-go expands them; None: not a macro."""
        if target is None and name == "has" and len(args) == 1:
            if args[0][0] != "select":
                return self.visit_error("invalid argument to has() macro", False, args)
            return ("has", args[0])
        if target is not None and name in ("all", "exists", "exists_one", "filter") and len(args) == 2 or \
                target is not None and name == "map" and len(args) in (2, 3):
            if args[0][0] != "ident":
                return self.visit_error("argument is not an identifier" if name in ("map", "filter")
                                        else "argument must be a simple name", True, [target, *args])
            return ("comp", name, target, args[0][1], args[1:])
        return None


def _children(node: Node) -> list[Node]:
    """A node's operands in the order cel-go's visitor visits them."""
    kind = node[0]
    if kind in ("select", "has"):
        return [node[1]]
    if kind == "list":
        return list(node[1])
    if kind == "map":
        return [part for entry in node[1] for part in entry]
    if kind == "struct":
        return [value for _, value in node[2]]
    if kind == "comp":
        return [node[2], *node[4]]
    if kind == "call":
        return [node[2], *node[3]] if node[2] is not None else list(node[3])
    if kind == "bad":
        return list(node[3])
    return []


def _counted(node: Node) -> bool:
    kind = node[0]
    return kind in ("select", "comp") or kind == "bad" and bool(node[2]) or \
        kind == "call" and (node[2] is not None or node[1] in VISITOR_COUNTED)


def _visited_depth(tree: Node, depths: dict[int, int]) -> int:
    """The most counted nodes on a path down from `tree` (`depths`: the subtrees already measured, by id)."""
    stack: list[tuple[Node, bool]] = [(tree, False)]
    while stack:
        node, children_done = stack.pop()
        if id(node) in depths:
            continue
        children = [c for c in _children(node) if isinstance(c, tuple) and c]
        if not children_done:
            stack.append((node, True))
            stack.extend((c, False) for c in children if id(c) not in depths)
            continue
        depths[id(node)] = _counted(node) + max((depths[id(c)] for c in children), default=0)
    return depths[id(tree)]


def visit_issues(tree: Node) -> list[str]:
    """What cel-go's visitor reports over a parsed expression, in its order: the issues of "bad" nodes, until a
    path holds more than MAX_RECURSION counted nodes, where it stops with "max recursion depth exceeded"."""
    issues: list[str] = []
    stack: list[tuple[Node, int] | str] = [(tree, 0)]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            issues.append(item)
            continue
        node, depth = item
        kind = node[0]
        if _counted(node):
            depth += 1
            if depth > MAX_RECURSION:
                return [*issues, "max recursion depth exceeded"]
        if kind == "bad":
            stack.append(node[1])  # after the children, which go on the stack above it
        stack.extend((child, depth) for child in reversed(_children(node)))
    return issues


# ---------------------------------------------------------------- checker

Overloads = list[tuple[tuple[Type, ...], Type]]
_ARITH: dict[str, Overloads] = {
    "_+_": [((INT, INT), INT), ((UINT, UINT), UINT), ((DOUBLE, DOUBLE), DOUBLE), ((STRING, STRING), STRING),
            ((BYTES, BYTES), BYTES), ((TIMESTAMP, DURATION), TIMESTAMP), ((DURATION, TIMESTAMP), TIMESTAMP),
            ((DURATION, DURATION), DURATION)],
    "_-_": [((INT, INT), INT), ((UINT, UINT), UINT), ((DOUBLE, DOUBLE), DOUBLE),
            ((TIMESTAMP, TIMESTAMP), DURATION), ((TIMESTAMP, DURATION), TIMESTAMP), ((DURATION, DURATION), DURATION)],
    "_*_": [((INT, INT), INT), ((UINT, UINT), UINT), ((DOUBLE, DOUBLE), DOUBLE)],
    "_/_": [((INT, INT), INT), ((UINT, UINT), UINT), ((DOUBLE, DOUBLE), DOUBLE)],
    "_%_": [((INT, INT), INT), ((UINT, UINT), UINT)],
    "-_": [((INT,), INT), ((DOUBLE,), DOUBLE)],
    "!_": [((BOOL,), BOOL)],
    "_&&_": [((BOOL, BOOL), BOOL)],
    "_||_": [((BOOL, BOOL), BOOL)],
}
_ORDERED: Overloads = [((a, b), BOOL) for a in NUMERIC for b in NUMERIC]
_ORDERED += [((t, t), BOOL) for t in (STRING, BYTES, BOOL, TIMESTAMP, DURATION)]
for _op in ("_<_", "_<=_", "_>_", "_>=_"):
    _ARITH[_op] = _ORDERED
_TIME_GETTERS = ("getFullYear", "getMonth", "getDayOfYear", "getDayOfMonth", "getDate", "getDayOfWeek",
                 "getHours", "getMinutes", "getSeconds", "getMilliseconds")
# member functions: name -> [(receiver, args, result)]
_MEMBERS: dict[str, list[tuple[Type, tuple[Type, ...], Type]]] = {
    "contains": [(STRING, (STRING,), BOOL), (BYTES, (BYTES,), BOOL)],
    "startsWith": [(STRING, (STRING,), BOOL), (BYTES, (BYTES,), BOOL)],
    "endsWith": [(STRING, (STRING,), BOOL), (BYTES, (BYTES,), BOOL)],
    "matches": [(STRING, (STRING,), BOOL)],
    "size": [(STRING, (), INT), (BYTES, (), INT)],
    "isEmail": [(STRING, (), BOOL)], "isHostname": [(STRING, (), BOOL)],
    "isIp": [(STRING, (), BOOL), (STRING, (INT,), BOOL)],
    "isIpPrefix": [(STRING, (), BOOL), (STRING, (INT,), BOOL), (STRING, (BOOL,), BOOL), (STRING, (INT, BOOL), BOOL)],
    "isUri": [(STRING, (), BOOL)], "isUriRef": [(STRING, (), BOOL)],
    "isHostAndPort": [(STRING, (BOOL,), BOOL)],
    "isNan": [(DOUBLE, (), BOOL)], "isInf": [(DOUBLE, (), BOOL), (DOUBLE, (INT,), BOOL)],
    "unique": [(("list", t), (), BOOL) for t in (BOOL, INT, UINT, DOUBLE, STRING, BYTES)],
    "charAt": [(STRING, (INT,), STRING)],
    "indexOf": [(STRING, (STRING,), INT), (STRING, (STRING, INT), INT)],
    "lastIndexOf": [(STRING, (STRING,), INT), (STRING, (STRING, INT), INT)],
    "lowerAscii": [(STRING, (), STRING)], "upperAscii": [(STRING, (), STRING)],
    "replace": [(STRING, (STRING, STRING), STRING), (STRING, (STRING, STRING, INT), STRING)],
    "split": [(STRING, (STRING,), ("list", STRING)), (STRING, (STRING, INT), ("list", STRING))],
    "substring": [(STRING, (INT,), STRING), (STRING, (INT, INT), STRING)],
    "trim": [(STRING, (), STRING)], "reverse": [(STRING, (), STRING)],
    "join": [(("list", STRING), (), STRING), (("list", STRING), (STRING,), STRING)],
    "format": [(STRING, (("list", DYN),), STRING)],
}
for _g in _TIME_GETTERS:
    _MEMBERS[_g] = [(TIMESTAMP, (), INT), (TIMESTAMP, (STRING,), INT)]
for _g in ("getHours", "getMinutes", "getSeconds", "getMilliseconds"):
    _MEMBERS[_g].append((DURATION, (), INT))
_GLOBALS: dict[str, list[tuple[tuple[Type, ...], Type]]] = {
    "matches": [((STRING, STRING), BOOL)],
    "int": [((t,), INT) for t in (INT, UINT, DOUBLE, STRING, TIMESTAMP)],
    "uint": [((t,), UINT) for t in (INT, UINT, DOUBLE, STRING)],
    "double": [((t,), DOUBLE) for t in (INT, UINT, DOUBLE, STRING)],
    "string": [((t,), STRING) for t in (INT, UINT, DOUBLE, BOOL, BYTES, STRING, TIMESTAMP, DURATION)],
    "bytes": [((t,), BYTES) for t in (BYTES, STRING)],
    "bool": [((t,), BOOL) for t in (BOOL, STRING)],
    "duration": [((STRING,), DURATION), ((DURATION,), DURATION)],
    "timestamp": [((STRING,), TIMESTAMP), ((INT,), TIMESTAMP), ((TIMESTAMP,), TIMESTAMP)],
    "strings.quote": [((STRING,), STRING)],
    "getField": [((ANY, STRING), DYN)],  # protovalidate's: a field of a message by name
    "size": [((STRING,), INT), ((BYTES,), INT), ((("list", DYN),), INT), ((("map", DYN, DYN),), INT)],
}


class Checker:
    """Types a parsed expression; `fields(full_name)` gives a message's fields' types (None: unknown)."""

    def __init__(self, variables: dict[str, Type], fields: Callable[[str], dict[str, Type] | None],
                 names: Callable[[str], Type | None] = lambda _: None) -> None:
        self.vars = variables
        self.fields = fields
        self.names = names
        self.errors: list[str] = []

    def error(self, text: str) -> Type:
        self.errors.append(text)
        return ERROR

    def check(self, node: Node) -> Type:
        """The node's type; its issues go to `errors`. Run as steps: a deep tree costs no Python frames."""
        result: Type = run_steps(self.type_of(node))
        return result

    def types_of(self, nodes: list[Node]) -> Step:
        types = []
        for node in nodes:
            types.append(node[1] if node[0] == "lit" else (yield self.type_of(node)))  # no step for a literal
        return types

    def type_of(self, node: Node) -> Step:
        kind = node[0]
        if kind == "lit":
            return node[1]
        if kind == "ident":
            return self.ident(node[1])
        if kind == "select":
            return (yield self.select(node))
        if kind == "has":
            yield self.select(node[1])
            return BOOL
        if kind == "list":
            return ("list", _join((yield self.types_of(node[1]))))
        if kind == "map":
            keys = yield self.types_of([k for k, _ in node[1]])
            values = yield self.types_of([v for _, v in node[1]])
            return ("map", _join(keys), _join(values))
        if kind == "struct":
            values = yield self.types_of([value for _, value in node[2]])
            known = self.fields(node[1])
            if known is None:
                return self.error(f"undeclared reference to '{node[1]}' (in container '')")
            for (field, value), provided in zip(node[2], values, strict=True):
                if value[0] == "bad":
                    continue  # an optional field (`?f: v`): reported by the parser, its value never typed
                if field not in known:
                    self.error(f"undefined field '{field}'")
                elif unify(known[field], provided) is None:
                    self.error(f"expected type of field '{field}' is '{fmt(known[field])}' but provided type is "
                               f"'{fmt(provided)}'")
            return WELL_KNOWN_CEL.get(node[1], ("message", node[1]))
        if kind == "comp":
            return (yield self.comprehension(node))
        return (yield self.call(node))

    def ident(self, name: str) -> Type:
        if name in self.vars:
            return self.vars[name]
        if name in ("int", "uint", "double", "bool", "string", "bytes", "list", "map", "null_type", "type", "dyn"):
            return TYPE
        return self.error(f"undeclared reference to '{name}' (in container '')")

    def select(self, node: Node) -> Step:
        qualified = _qualified(node)
        if qualified is not None and qualified.split(".")[0] not in self.vars:
            found = self.names(qualified)  # an enum value or a type, named in full: pkg.v1.Kind.KIND_A
            if found is not None:
                return found
        operand = yield self.type_of(node[1])
        field = node[2]
        if operand in (ERROR, DYN, ANY):
            return DYN
        if operand[0] == "map":  # cel-go selects on any map: the value type, whatever the key type
            return operand[2]
        if operand[0] == "message" and operand not in (TIMESTAMP, DURATION):
            known = self.fields(operand[1])
            if known is None:
                return DYN
            if field not in known:
                return self.error(f"undefined field '{field}'")
            return known[field]
        self.error(f"type '{fmt(operand)}' does not support field selection")
        return DYN  # cel-go goes on with dyn

    def comprehension(self, node: Node) -> Step:
        _, macro, target, var, body = node
        range_type = yield self.type_of(target)
        if range_type in (ERROR, DYN, ANY):
            elem = DYN
        elif range_type[0] == "list":
            elem = range_type[1]
        elif range_type[0] == "map":
            elem = range_type[1]
        else:
            return self.error(f"expression of type '{fmt(range_type)}' cannot be range of a comprehension "
                              f"(must be list, map, or dynamic)")
        saved = self.vars.get(var)
        self.vars[var] = elem
        try:
            types = yield self.types_of(body)
        finally:
            if saved is None:
                del self.vars[var]
            else:
                self.vars[var] = saved
        if macro in ("all", "exists", "exists_one", "filter") or (macro == "map" and len(body) == 2):
            predicate = types[0]
            if unify(predicate, BOOL) is None:
                if macro == "exists_one":  # cel-go expands it to `p ? count + 1 : count`
                    return self.no_overload("_?_:_", [predicate, INT, INT])
                return self.error(f"expected type 'bool' but found '{fmt(predicate)}'")
        if macro == "filter":
            return ("list", elem)
        if macro == "map":
            return ("list", types[-1])
        return BOOL

    def call(self, node: Node) -> Step:
        _, name, target, args = node
        qualified = _qualified(target)
        if qualified is not None and qualified.split(".")[0] not in self.vars and f"{qualified}.{name}" in _GLOBALS:
            name, target = f"{qualified}.{name}", None  # a namespaced function: strings.quote(x)
        target_type = (yield self.type_of(target)) if target is not None else None
        arg_types = yield self.types_of(args)
        known = name in _MEMBERS or name in _GLOBALS or name in _ARITH or name in _BUILTIN
        if not known:
            self.error(f"undeclared reference to '{name}' (in container '')")
            return ERROR
        if target is None and name in ("_&&_", "_||_"):  # cel-go asserts each operand is a bool
            wrong = [t for t in arg_types if unify(t, BOOL) is None]
            for t in wrong:
                self.error(f"expected type 'bool' but found '{fmt(t)}'")
            return ERROR if wrong else BOOL
        if target is None and name == "_+_" and all(t[0] == "list" or t in (DYN, ERROR, ANY) for t in arg_types) \
                and any(t[0] == "list" for t in arg_types):
            # list(A) + list(A) -> list(A), A bound by the first list
            first, second = arg_types
            if unify(first, second) is None:
                return self.no_overload(name, arg_types)
            if first[0] != "list" or second[0] != "list":
                return first if first[0] == "list" else second
            return ("list", most_general(second[1], first[1]))
        if target is None and name in _ARITH:
            return self.overload(name, _ARITH[name], arg_types)
        if target is None and name in ("_==_", "_!=_"):
            return BOOL if unify(arg_types[0], arg_types[1]) is not None else self.no_overload(name, arg_types)
        if target is None and name == "_?_:_":
            # (bool, A, A) -> A: the first branch binds A, the second must fit it
            if unify(arg_types[0], BOOL) is None or unify(arg_types[1], arg_types[2]) is None:
                return self.no_overload(name, arg_types)
            return most_general(arg_types[2], arg_types[1])
        if target is None and name == "@in":
            container = arg_types[1]
            if container in (DYN, ERROR, ANY):
                return BOOL
            if container[0] in ("list", "map") and unify(arg_types[0], container[1]) is not None:
                return BOOL
            return self.no_overload(name, arg_types)
        if target is None and name == "_[_]":
            return self.index(arg_types)
        if name == "size" and (len(arg_types) == 1 if target is None else not arg_types):
            return self.size(name, target_type, arg_types[0] if target_type is None else target_type)
        if target is None and name == "dyn" and len(arg_types) == 1:
            return DYN
        if target is None and name == "type" and len(arg_types) == 1:
            return TYPE
        if target is None:
            return self.overload(name, _GLOBALS.get(name, []), arg_types)
        assert target_type is not None
        options = [((recv, *params), result) for recv, params, result in _MEMBERS[name]]
        return self.overload(name, options, [target_type, *arg_types], member=True)

    def size(self, name: str, receiver: Type | None, t: Type) -> Type:
        # a wrapper is its primitive to cel-go's overloads (size(this) of a BytesValue field: buf-bin takes it)
        if _plain(t) in (STRING, BYTES, DYN, ERROR, ANY) or t[0] in ("list", "map"):
            return INT
        if receiver is not None:
            return self.error(f"found no matching overload for '{name}' applied to '{fmt(receiver)}.()'")
        return self.no_overload(name, [t])

    def index(self, arg_types: list[Type]) -> Type:
        container, key = arg_types
        if container in (DYN, ERROR, ANY):
            return DYN
        if container[0] == "list" and unify(key, INT) is not None:
            return container[1]
        if container[0] == "map" and unify(key, container[1]) is not None:
            return container[2]
        return self.no_overload("_[_]", arg_types)

    def overload(self, name: str, options: list[tuple[tuple[Type, ...], Type]], arg_types: list[Type],
                 member: bool = False) -> Type:
        results = []
        for params, result in options:
            if len(params) == len(arg_types) and all(
                    unify(_plain(a), p) is not None for a, p in zip(arg_types, params, strict=True)):
                results.append(result)
        if not results:
            if member:
                receiver, rest = arg_types[0], arg_types[1:]
                return self.error(f"found no matching overload for '{name}' applied to "
                                  f"'{fmt(receiver)}.({', '.join(fmt(a) for a in rest)})'")
            return self.no_overload(name, arg_types)
        return results[0] if all(r == results[0] for r in results) else DYN

    def no_overload(self, name: str, arg_types: list[Type]) -> Type:
        return self.error(f"found no matching overload for '{name}' applied to "
                          f"'({', '.join(fmt(a) for a in arg_types)})'")


_BUILTIN = {"_==_", "_!=_", "_?_:_", "@in", "_[_]", "size", "dyn", "type"}


def _qualified(node: Node | None) -> str | None:
    """`a.b.c` written as selections on an identifier, as a dotted name; else None."""
    parts = []
    while node is not None and node[0] == "select":
        parts.append(node[2])
        node = node[1]
    if node is None or node[0] != "ident":
        return None
    return ".".join([node[1], *reversed(parts)])


def _join(types: list[Type]) -> Type:
    """A list or map literal's element type as cel-go joins them: the later of two assignable types (the
    earlier when it is dyn or the same), dyn when two are not assignable."""
    joined: Type | None = None
    for t in types:
        if joined is None:
            joined = t
        elif unify(joined, t) is None:
            return DYN
        else:
            joined = most_general(joined, t)
    return DYN if joined is None else joined


def _unescape_issues(tokens: list[Token]) -> list[str]:
    """cel-go's visitor refuses a literal its lexer took but it cannot unescape: `\\u` in bytes, a surrogate or
    a code point past U+10FFFF (escapes its lexer refuses are not modelled: no issue here)."""
    quoted = [t for t in tokens if t.kind in ("STRING", "BYTES") and "\\" in t.text]
    if not quoted:
        return []
    from workbench.lint.cel_eval import INVALID_CODE_POINT, UNESCAPE_FAILS, unescape
    from workbench.lint.cel_values import Unsupported

    issues = []
    for tok in quoted:
        try:
            unescape(tok.text, as_bytes=tok.kind == "BYTES")
        except Unsupported as e:
            if str(e) in (UNESCAPE_FAILS, INVALID_CODE_POINT):
                issues.append(str(e))
    return issues


def compile_expression(expression: str, variables: dict[str, Type],
                       fields: Callable[[str], dict[str, Type] | None],
                       names: Callable[[str], Type | None] = lambda _: None) -> tuple[Type, list[str]]:
    """(result type, cel-go's issues without their `ERROR: <input>:1:2:` prefix); ERROR when it fails."""
    if len(expression) > MAX_CODE_POINTS:  # cel-go measures before it lexes
        return ERROR, [f"expression code point size exceeds limit: size: {len(expression)}, limit {MAX_CODE_POINTS}"]
    errors: list[str] = []
    tokens = lex(expression, errors)
    parser = Parser(tokens)
    try:
        tree = parser.parse()
    except RecursionLimit as e:
        return ERROR, list(dict.fromkeys([*(str(a) for a in e.args), *errors]))
    except CelSyntaxError as e:
        deep = ["max recursion depth exceeded"] if parser.too_deep() else []
        return ERROR, list(dict.fromkeys([*(str(a) for a in e.args), *errors, *parser.late, *deep]))
    issues = visit_issues(tree) + _unescape_issues(tokens)
    if errors or issues:
        return ERROR, list(dict.fromkeys([*errors, *issues]))
    checker = Checker(dict(variables), fields, names)
    try:
        result = checker.check(tree)
    except RecursionError:
        # The last guard, not buf's answer. Types nest at most ~500 deep (249 list levels under 250 map()
        # calls), and unify, fmt and tuple comparison recurse through them: some 600 frames, which only a
        # caller already ~400 frames deep runs out of (`workbench lint` calls this from 18).
        return ERROR, ["type nesting too deep to check"]
    issues = list(dict.fromkeys(checker.errors))  # buf prints a finding once per place and text
    if not issues and "format" in expression:  # cel-go's validators run on an expression that type-checks
        from workbench.lint.cel_format import format_issues

        def type_of(node: Node) -> Type:
            alone = Checker(dict(variables), fields, names)
            found = alone.check(node)
            return DYN if alone.errors else found

        issues = format_issues(tree, type_of)
    return (ERROR if issues else result), issues
