"""Does Go's `regexp.Compile` accept a pattern, and if not, what does it say?

buf's PROTOVALIDATE rule compiles `string.pattern` / `bytes.pattern` with Go's regexp package (RE2
syntax) and prints Go's error text: `error parsing regexp: invalid escape sequence: `\\C``. Python's
`re` accepts what Go rejects (lookarounds, backreferences, possessive quantifiers) and the RE2 C++
bindings (PyPI google-re2) accept `\\C` and word their errors differently and log to stderr, so this
is a port of the checks in Go's regexp/syntax parser (Go 1.25+, as buf 1.75 is built): the same
scan, stack and error codes, with the parse tree kept only as far as errors depend on it (pseudo
operators for `(` and `|`, repetition nesting for the 1000-copies limit, height for nesting depth).
Character classes are not built; Unicode class names are checked against Go's tables by name.

Not ported: Go's "expression too large" (a compiled size over 128 MB: a ~3,000-character literal
repeated a thousand times); such a pattern is reported here as valid.
"""

from __future__ import annotations

PSEUDO_LEFT_PAREN, PSEUDO_BAR = "(", "|"
MAX_HEIGHT = 1000

_CATEGORIES = ("C Cc Cf Cn Co Cs L LC Ll Lm Lo Lt Lu M Mc Me Mn N Nd Nl No P Pc Pd Pe Pf Pi Po Ps "
               "S Sc Sk Sm So Z Zl Zp Zs")
# Unicode's long names of the general categories (PropertyValueAliases.txt), which Go 1.25 accepts
_CATEGORY_ALIASES = (
    "Other Control cntrl Format Unassigned Private_Use Surrogate Letter Cased_Letter Lowercase_Letter "
    "Modifier_Letter Other_Letter Titlecase_Letter Uppercase_Letter Mark Combining_Mark Spacing_Mark "
    "Enclosing_Mark Nonspacing_Mark Number Decimal_Number digit Letter_Number Other_Number Punctuation "
    "punct Connector_Punctuation Dash_Punctuation Close_Punctuation Final_Punctuation Initial_Punctuation "
    "Other_Punctuation Open_Punctuation Symbol Currency_Symbol Modifier_Symbol Math_Symbol Other_Symbol "
    "Separator Line_Separator Paragraph_Separator Space_Separator")
_SCRIPTS = (
    "Adlam Ahom Anatolian_Hieroglyphs Arabic Armenian Avestan Balinese Bamum Bassa_Vah Batak Bengali "
    "Bhaiksuki Bopomofo Brahmi Braille Buginese Buhid Canadian_Aboriginal Carian Caucasian_Albanian Chakma "
    "Cham Cherokee Chorasmian Common Coptic Cuneiform Cypriot Cypro_Minoan Cyrillic Deseret Devanagari "
    "Dives_Akuru Dogra Duployan Egyptian_Hieroglyphs Elbasan Elymaic Ethiopic Garay Georgian Glagolitic "
    "Gothic Grantha Greek Gujarati Gunjala_Gondi Gurmukhi Gurung_Khema Han Hangul Hanifi_Rohingya Hanunoo "
    "Hatran Hebrew Hiragana Imperial_Aramaic Inherited Inscriptional_Pahlavi Inscriptional_Parthian "
    "Javanese Kaithi Kannada Katakana Kawi Kayah_Li Kharoshthi Khitan_Small_Script Khmer Khojki Khudawadi "
    "Kirat_Rai Lao Latin Lepcha Limbu Linear_A Linear_B Lisu Lycian Lydian Mahajani Makasar Malayalam "
    "Mandaic Manichaean Marchen Masaram_Gondi Medefaidrin Meetei_Mayek Mende_Kikakui Meroitic_Cursive "
    "Meroitic_Hieroglyphs Miao Modi Mongolian Mro Multani Myanmar Nabataean Nag_Mundari Nandinagari "
    "New_Tai_Lue Newa Nko Nushu Nyiakeng_Puachue_Hmong Ogham Ol_Chiki Ol_Onal Old_Hungarian Old_Italic "
    "Old_North_Arabian Old_Permic Old_Persian Old_Sogdian Old_South_Arabian Old_Turkic Old_Uyghur Oriya "
    "Osage Osmanya Pahawh_Hmong Palmyrene Pau_Cin_Hau Phags_Pa Phoenician Psalter_Pahlavi Rejang Runic "
    "Samaritan Saurashtra Sharada Shavian Siddham SignWriting Sinhala Sogdian Sora_Sompeng Soyombo "
    "Sundanese Sunuwar Syloti_Nagri Syriac Tagalog Tagbanwa Tai_Le Tai_Tham Tai_Viet Takri Tamil Tangsa "
    "Tangut Telugu Thaana Thai Tibetan Tifinagh Tirhuta Todhri Toto Tulu_Tigalari Ugaritic Vai Vithkuqi "
    "Wancho Warang_Citi Yezidi Yi Zanabazar_Square")
_POSIX = {"alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph", "lower", "print", "punct", "space",
          "upper", "word", "xdigit"}
_PERL_CLASSES = set("dDsSwW")


def _loose(name: str) -> str:
    """Go 1.25 looks Unicode class names up as TR18 says: ignoring case, spaces, '_' and '-'."""
    return name.lower().replace(" ", "").replace("_", "").replace("-", "")


_UNICODE_NAMES = {_loose(n) for n in f"Any ASCII Assigned {_CATEGORIES} {_CATEGORY_ALIASES} {_SCRIPTS}".split()}


class RegexpError(Exception):
    def __init__(self, code: str, expr: str) -> None:
        super().__init__(f"error parsing regexp: {code}: `{expr}`")


class _Node:
    __slots__ = ("op", "subs", "min", "max", "height")

    def __init__(self, op: str, subs: tuple[_Node, ...] = (), low: int = 0, high: int = 0) -> None:
        self.op, self.subs, self.min, self.max = op, subs, low, high
        self.height: int = 1 + max((s.height for s in subs), default=0)


def go_regexp_error(pattern: str) -> str | None:
    """Go's error for `regexp.Compile(pattern)`, or None when Go compiles it."""
    try:
        _Parser(pattern).parse()
    except RegexpError as e:
        return str(e)
    return None


class _Parser:
    def __init__(self, whole: str) -> None:
        self.whole = whole
        self.stack: list[_Node] = []
        self.count = 0  # nodes made, as Go counts before it starts checking heights

    # ------------------------------------------------------------ the stack

    def push(self, node: _Node, new: bool = True) -> None:
        self.count += new
        if self.count >= MAX_HEIGHT and node.height > MAX_HEIGHT:
            raise RegexpError("expression nests too deeply", self.whole)
        self.stack.append(node)

    def op(self, op: str) -> None:
        self.push(_Node(op))

    def concat(self) -> None:
        i = len(self.stack)
        while i > 0 and self.stack[i - 1].op not in (PSEUDO_LEFT_PAREN, PSEUDO_BAR):
            i -= 1
        subs = self.stack[i:]
        del self.stack[i:]
        self.push(_Node("empty") if not subs else subs[0] if len(subs) == 1 else _Node("concat", tuple(subs)))

    def alternate(self) -> None:
        i = len(self.stack)
        while i > 0 and self.stack[i - 1].op not in (PSEUDO_LEFT_PAREN, PSEUDO_BAR):
            i -= 1
        subs = self.stack[i:]
        del self.stack[i:]
        self.push(_Node("nomatch") if not subs else subs[0] if len(subs) == 1 else _Node("alt", tuple(subs)))

    def swap_vertical_bar(self) -> bool:
        s = self.stack
        if len(s) >= 2 and s[-2].op == PSEUDO_BAR:
            if len(s) >= 3 and s[-1].op in ("lit", "class") and s[-3].op in ("lit", "class"):
                s.pop()  # Go merges the two classes into the one below the bar
                return True
            s[-2], s[-1] = s[-1], s[-2]
            return True
        return False

    def repeat(self, op: str, low: int, high: int, before: str, after: str, last_repeat: str) -> str:
        if after.startswith("?"):
            after = after[1:]
        if last_repeat:
            raise RegexpError("invalid nested repetition operator", last_repeat[:len(last_repeat) - len(after)])
        if not self.stack or self.stack[-1].op in (PSEUDO_LEFT_PAREN, PSEUDO_BAR):
            raise RegexpError("missing argument to repetition operator", before[:len(before) - len(after)])
        node = _Node(op, (self.stack[-1],), low, high)
        self.count += 1
        if self.count >= MAX_HEIGHT and node.height > MAX_HEIGHT:
            raise RegexpError("expression nests too deeply", self.whole)
        self.stack[-1] = node
        if op == "repeat" and (low >= 2 or high >= 2) and not _repeat_is_valid(node, 1000):
            raise RegexpError("invalid repeat count", before[:len(before) - len(after)])
        return after

    # ------------------------------------------------------------ the scan

    def parse(self) -> None:
        t = self.whole
        last_repeat = ""
        while t:
            repeat = ""
            c = t[0]
            if c == "(":
                if t.startswith("(?"):
                    t = self.perl_flags(t)
                else:
                    self.push(_Node(PSEUDO_LEFT_PAREN, (), 1))  # min 1: a capturing group
                    t = t[1:]
            elif c == "|":
                self.concat()
                if not self.swap_vertical_bar():
                    self.op(PSEUDO_BAR)
                t = t[1:]
            elif c == ")":
                self.right_paren()
                t = t[1:]
            elif c in "^$.":
                self.op("lit" if c == "." else "anchor")
                t = t[1:]
            elif c == "[":
                t = self.char_class(t)
            elif c in "*+?":
                after = self.repeat({"*": "star", "+": "plus", "?": "quest"}[c], 0, 0, t, t[1:], last_repeat)
                repeat, t = t, after
            elif c == "{":
                parsed = _parse_repeat(t)
                if parsed is None:
                    self.op("lit")  # not a repetition: a literal '{'
                    t = t[1:]
                else:
                    low, high, after = parsed
                    if low < 0 or low > 1000 or high > 1000 or (high >= 0 and low > high):
                        raise RegexpError("invalid repeat count", t[:len(t) - len(after)])
                    after = self.repeat("repeat", low, high, t, after, last_repeat)
                    repeat, t = t, after
            elif c == "\\":
                t = self.backslash(t)
            else:
                self.op("lit")
                t = t[1:]
            last_repeat = repeat
        self.concat()
        if self.swap_vertical_bar():
            self.stack.pop()
        self.alternate()
        if len(self.stack) != 1:
            raise RegexpError("missing closing )", self.whole)

    def right_paren(self) -> None:
        self.concat()
        if self.swap_vertical_bar():
            self.stack.pop()
        self.alternate()
        if len(self.stack) < 2:
            raise RegexpError("unexpected )", self.whole)
        inner = self.stack.pop()
        paren = self.stack.pop()
        if paren.op != PSEUDO_LEFT_PAREN:
            raise RegexpError("unexpected )", self.whole)
        # a capture is a node of its own; `(?:...)` only groups (Go pushes the inner node back)
        self.push(_Node("capture", (inner,)) if paren.min else inner, new=False)

    def perl_flags(self, s: str) -> str:
        t = s
        if (len(t) > 4 and t[2] == "P" and t[3] == "<") or (len(t) > 3 and t[2] == "<"):
            begin = 4 if t[2] == "P" else 3
            end = t.find(">")
            if end < 0:
                raise RegexpError("invalid named capture", s)
            name = t[begin:end]
            if not name or not all(ch == "_" or (ch.isascii() and ch.isalnum()) for ch in name):
                raise RegexpError("invalid named capture", t[:end + 1])
            self.push(_Node(PSEUDO_LEFT_PAREN, (), 1))
            return t[end + 1:]
        t = t[2:]
        sign, saw_flag = 1, False
        while t:
            c, t = t[0], t[1:]
            if c in "imsU":
                saw_flag = True
            elif c == "-":
                if sign < 0:
                    break
                sign, saw_flag = -1, False
            elif c in ":)":
                if sign < 0 and not saw_flag:
                    break
                if c == ":":
                    self.op(PSEUDO_LEFT_PAREN)
                return t
            else:
                break
        raise RegexpError("invalid or unsupported Perl syntax", s[:len(s) - len(t)])

    def backslash(self, t: str) -> str:
        if len(t) >= 2:
            c = t[1]
            if c in "AbBz":
                self.op("anchor")
                return t[2:]
            if c == "C":
                raise RegexpError("invalid escape sequence", t[:2])
            if c == "Q":
                lit, _, rest = t[2:].partition("\\E")
                for _ in lit:
                    self.op("lit")
                return rest
        if len(t) >= 2 and t[1] in "pP":
            after = _unicode_class(t)
            if after is not None:
                self.op("class")
                return after
        if len(t) >= 2 and t[1] in _PERL_CLASSES:
            self.op("class")
            return t[2:]
        rest = _escape(t)
        self.op("lit")
        return rest

    def char_class(self, s: str) -> str:
        t = s[1:]
        if t.startswith("^"):
            t = t[1:]
        first = True
        while not t or t[0] != "]" or first:
            first = False
            if len(t) > 2 and t[0] == "[" and t[1] == ":":
                end = t.find(":]", 2)
                if end >= 0:
                    name = t[:end + 2]
                    if name[2:-2].removeprefix("^") not in _POSIX:
                        raise RegexpError("invalid character class range", name)
                    t = t[end + 2:]
                    continue
            if len(t) >= 2 and t[0] == "\\" and t[1] in "pP":
                rest = _unicode_class(t)
                if rest is not None:
                    t = rest
                    continue
            if len(t) >= 2 and t[0] == "\\" and t[1] in _PERL_CLASSES:
                t = t[2:]
                continue
            rng = t
            lo, t = _class_char(t, s)
            hi = lo
            if len(t) >= 2 and t[0] == "-" and t[1] != "]":
                t = t[1:]
                hi, t = _class_char(t, s)
                if hi < lo:
                    raise RegexpError("invalid character class range", rng[:len(rng) - len(t)])
        self.op("class")
        return t[1:]


def _repeat_is_valid(node: _Node, n: int) -> bool:
    todo = [(node, n)]
    while todo:
        re, limit = todo.pop()
        if re.op == "repeat":
            m = re.max
            if m == 0:
                continue
            if m < 0:
                m = re.min
            if m > limit:
                return False
            if m > 0:
                limit //= m
        todo.extend((sub, limit) for sub in re.subs)
    return True


def _parse_repeat(s: str) -> tuple[int, int, str] | None:
    """`{min}`, `{min,}` or `{min,max}` at the start of s: (min, max or -1, rest); min -1 when too big."""
    s = s[1:]
    got = _parse_int(s)
    if got is None:
        return None
    low, s = got
    if not s:
        return None
    if s[0] != ",":
        high = low
    else:
        s = s[1:]
        if not s:
            return None
        if s[0] == "}":
            high = -1
        else:
            got = _parse_int(s)
            if got is None:
                return None
            high, s = got
            if high < 0:
                low = -1
    if not s or s[0] != "}":
        return None
    return low, high, s[1:]


def _parse_int(s: str) -> tuple[int, str] | None:
    if not s or not "0" <= s[0] <= "9":
        return None
    if len(s) >= 2 and s[0] == "0" and "0" <= s[1] <= "9":
        return None  # no leading zeros
    i = 0
    while i < len(s) and "0" <= s[i] <= "9":
        i += 1
    digits, n = s[:i], 0
    for ch in digits:
        if n >= 100_000_000:
            n = -1
            break
        n = n * 10 + ord(ch) - 48
    return n, s[i:]


def _unicode_class(s: str) -> str | None:
    """The rest after `\\pX` / `\\p{Name}` (s starts with it); raises on an unknown name."""
    t = s[2:]
    if not t:
        seq, name, rest = s[:2], "", ""  # Go reads no rune and looks up the empty name
    elif t[0] != "{":
        seq, name, rest = s[:3], s[2:3], s[3:]
    else:
        end = s.find("}")
        if end < 0:
            raise RegexpError("invalid character class range", s)
        seq, name, rest = s[:end + 1], s[3:end], s[end + 1:]
    if name.startswith("^"):
        name = name[1:]
    if _loose(name) not in _UNICODE_NAMES:
        raise RegexpError("invalid character class range", seq)
    return rest


def _class_char(s: str, whole_class: str) -> tuple[int, str]:
    if not s:
        raise RegexpError("missing closing ]", whole_class)
    if s[0] == "\\":
        return _escape_value(s)
    return ord(s[0]), s[1:]


def _escape(s: str) -> str:
    return _escape_value(s)[1]


def _escape_value(s: str) -> tuple[int, str]:
    """The rune of the escape at the start of s and the rest, as Go's parseEscape."""
    t = s[1:]
    if not t:
        raise RegexpError("trailing backslash at end of expression", "")
    c, t = t[0], t[1:]
    if c.isascii() and not c.isalnum():
        return ord(c), t
    if c in "1234567" and (not t or not "0" <= t[0] <= "7"):
        pass  # a backreference: not supported
    elif c in "01234567":
        r = ord(c) - 48
        for _ in range(2):
            if not t or not "0" <= t[0] <= "7":
                break
            r = r * 8 + ord(t[0]) - 48
            t = t[1:]
        return r, t
    elif c == "x" and t:
        c, t = t[0], t[1:]
        if c == "{":
            nhex, r = 0, 0
            while True:
                if not t:
                    break
                c, t = t[0], t[1:]
                if c == "}":
                    if nhex:
                        return r, t
                    break
                v = _unhex(c)
                if v < 0:
                    break
                r = r * 16 + v
                if r > 0x10FFFF:
                    break
                nhex += 1
        else:
            x = _unhex(c)
            if not t:
                raise RegexpError("invalid escape sequence", s[:len(s) - len(t)])
            c, t = t[0], t[1:]
            y = _unhex(c)
            if x >= 0 and y >= 0:
                return x * 16 + y, t
    elif c in "afnrtv":
        return ord({"a": "\a", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}[c]), t
    raise RegexpError("invalid escape sequence", s[:len(s) - len(t)])


def _unhex(c: str) -> int:
    if "0" <= c <= "9":
        return ord(c) - 48
    if "a" <= c <= "f":
        return ord(c) - 87
    if "A" <= c <= "F":
        return ord(c) - 55
    return -1
