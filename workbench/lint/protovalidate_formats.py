"""PROTOVALIDATE examples against StringRules' well-known formats, as protovalidate-go checks them.

protovalidate-go's own parsers (cel/ipv4.go, cel/ipv6.go, its RFC 3986 URI parser, its hostname and
host/port checks) and validate.proto's patterns (email as HTML's, UUID, ULID, Protobuf names, HTTP
header names and values), with the rule ids and messages buf-bin 1.75 prints: an empty value fails
`string.<format>_empty`, any other invalid one `string.<format>`.
"""

from __future__ import annotations

import re

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

_EMAIL = re.compile(r"[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
                    r"(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_TUUID = re.compile(r"[0-9a-fA-F]{32}")
_ULID = re.compile(r"[0-7][0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{25}")
_FQN = r"[A-Za-z_][A-Za-z_0-9]*(?:\.[A-Za-z_][A-Za-z_0-9]*)*"
_HEADER_NAME_STRICT = re.compile(r":?[0-9a-zA-Z!#$%&'*+\-.^_|~`]+")
_HEADER_VALUE_STRICT = re.compile(r"[^\x00-\x08\x0A-\x1F\x7F]*")
_HEADER_LOOSE = re.compile(r"[^\x00\x0A\x0D]*")

# StringRules field -> (name, what the message calls a valid value, whether an empty value has its own rule)
FORMATS = {12: ("email", "email address"), 13: ("hostname", "hostname"), 14: ("ip", "IP address"),
           15: ("ipv4", "IPv4 address"), 16: ("ipv6", "IPv6 address"), 17: ("uri", "URI"),
           18: ("uri_ref", "URI Reference"), 21: ("address", "hostname, or ip address"), 22: ("uuid", "UUID"),
           33: ("tuuid", "trimmed UUID"), 26: ("ip_with_prefixlen", "IP prefix"),
           27: ("ipv4_with_prefixlen", "IPv4 address with prefix length"),
           28: ("ipv6_with_prefixlen", "IPv6 address with prefix length"), 29: ("ip_prefix", "IP prefix"),
           30: ("ipv4_prefix", "IPv4 prefix"), 31: ("ipv6_prefix", "IPv6 prefix"),
           32: ("host_and_port", "host and port pair"), 35: ("ulid", "ULID"),
           37: ("protobuf_fqn", "fully-qualified Protobuf name"),
           38: ("protobuf_dot_fqn", "fully-qualified Protobuf name with a leading dot")}
_MESSAGE = {"host_and_port": "host (hostname or IP address) and port pair"}
WELL_KNOWN_REGEX, STRICT = 24, 25
HEADER_NAME, HEADER_VALUE = 1, 2


def format_violations(number: int, value: str) -> list[tuple[str, str]]:
    """The violation of the format set by StringRules field `number` (set to true) for `value`."""
    name, what = FORMATS[number]
    if value == "" and name != "uri_ref":
        return [(f"string.{name}_empty", f"value is empty, which is not a valid {what}")]
    if _valid(name, value.encode("utf-8", "surrogateescape")):
        return []
    return [(f"string.{name}", f"must be a valid {_MESSAGE.get(name, what)}")]


def header_violations(kind: int, strict: bool, value: str) -> list[tuple[str, str]]:
    """`well_known_regex`: HTTP header names (RFC 7230 tokens when strict) and values."""
    if kind == HEADER_NAME:
        if value == "":
            return [("string.well_known_regex.header_name_empty",
                     "value is empty, which is not a valid HTTP header name")]
        ok = (_HEADER_NAME_STRICT if strict else _HEADER_LOOSE).fullmatch(value) is not None
        return [] if ok else [("string.well_known_regex.header_name", "must be a valid HTTP header name")]
    if kind == HEADER_VALUE:
        ok = (_HEADER_VALUE_STRICT if strict else _HEADER_LOOSE).fullmatch(value) is not None
        return [] if ok else [("string.well_known_regex.header_value", "must be a valid HTTP header value")]
    return []


_FUNCTIONS = {"isEmail": "email", "isHostname": "hostname", "isUri": "uri", "isUriRef": "uri_ref"}


def valid(function: str, raw: bytes) -> bool:
    """protovalidate's CEL function `function` (isEmail, isHostname, isUri, isUriRef) on a string."""
    return _valid(_FUNCTIONS[function], raw)


def _valid(name: str, raw: bytes) -> bool:
    text = raw.decode("utf-8", "surrogateescape")
    if name == "email":
        return _EMAIL.fullmatch(text) is not None
    if name == "hostname":
        return is_hostname(raw)
    if name in ("ip", "ipv4", "ipv6"):
        return is_ip(raw, {"ip": 0, "ipv4": 4, "ipv6": 6}[name])
    if name.endswith(("_with_prefixlen", "_prefix")):
        version = 4 if name.startswith("ipv4") else 6 if name.startswith("ipv6") else 0
        return is_ip_prefix(raw, version, strict=name.endswith("_prefix"))
    if name in ("uri", "uri_ref"):
        parser = _Uri(raw)
        return parser.uri() if name == "uri" else parser.uri_reference()
    if name == "address":
        return is_hostname(raw) or is_ip(raw, 0)
    if name == "host_and_port":
        return is_host_and_port(raw, port_required=True)
    pattern = {"uuid": _UUID, "tuuid": _TUUID, "ulid": _ULID}.get(name)
    if pattern is not None:
        return pattern.fullmatch(text) is not None
    if name == "protobuf_fqn":
        return re.fullmatch(_FQN, text) is not None
    if name == "protobuf_dot_fqn":
        return re.fullmatch(r"\." + _FQN, text) is not None
    return True


def is_hostname(raw: bytes) -> bool:
    if len(raw) > 253:
        return False
    text = raw[:-1] if raw.endswith(b".") else raw
    all_digits = False
    for part in text.lower().split(b"."):
        if not part or len(part) > 63 or part.startswith(b"-") or part.endswith(b"-"):
            return False
        if any(not (97 <= c <= 122 or 48 <= c <= 57 or c == 45) for c in part):
            return False
        all_digits = all(48 <= c <= 57 for c in part)
    return not all_digits


def is_host_and_port(raw: bytes, *, port_required: bool) -> bool:
    if not raw:
        return False
    split = raw.rfind(b":")
    if raw[:1] == b"[":
        end = raw.rfind(b"]")
        if end + 1 == len(raw):
            return not port_required and is_ip(raw[1:end], 6)
        if end + 1 == split:
            return is_ip(raw[1:end], 6) and _is_port(raw[split + 1:])
        return False
    if split < 0:
        return not port_required and (is_hostname(raw) or is_ip(raw, 4))
    return (is_hostname(raw[:split]) or is_ip(raw[:split], 4)) and _is_port(raw[split + 1:])


def _is_port(raw: bytes) -> bool:
    """Decimal digits up to 65535, no leading zero (buf-bin rejects `a:01`)."""
    return bool(raw) and all(48 <= c <= 57 for c in raw) and not (len(raw) > 1 and raw[:1] == b"0") \
        and int(raw) <= 65535


def is_ip(raw: bytes, version: int) -> bool:
    if version == 4:
        return _Ipv4(raw).address()
    if version == 6:
        return _Ipv6(raw).address()
    return _Ipv4(raw).address() or _Ipv6(raw).address()


def is_ip_prefix(raw: bytes, version: int, *, strict: bool) -> bool:
    if version == 0:
        return is_ip_prefix(raw, 6, strict=strict) or is_ip_prefix(raw, 4, strict=strict)
    ip: _Ipv4 | _Ipv6 = _Ipv4(raw) if version == 4 else _Ipv6(raw)
    return ip.address_prefix() and (not strict or ip.prefix_only())


class _Scanner:
    def __init__(self, raw: bytes) -> None:
        self.s, self.i = raw, 0

    def take(self, char: str) -> bool:
        if self.i < len(self.s) and self.s[self.i] == ord(char):
            self.i += 1
            return True
        return False

    def digit(self) -> bool:
        if self.i < len(self.s) and 48 <= self.s[self.i] <= 57:
            self.i += 1
            return True
        return False

    def hexdig(self) -> bool:
        if self.i < len(self.s) and chr(self.s[self.i]) in "0123456789abcdefABCDEF":
            self.i += 1
            return True
        return False

    def number(self, start: int, most: int) -> int | None:
        """The decimal digits read from `start` (at most `most`, no leading zero)."""
        while self.i < len(self.s) and self.digit():
            if self.i - start > most:
                return None
        text = self.s[start:self.i]
        if not text or (len(text) > 1 and text[:1] == b"0"):
            return None
        return int(text)


class _Ipv4(_Scanner):
    def __init__(self, raw: bytes) -> None:
        super().__init__(raw)
        self.octets: list[int] = []
        self.prefix_len = 0

    def bits(self) -> int:
        o = self.octets
        return (o[0] << 24) | (o[1] << 16) | (o[2] << 8) | o[3] if len(o) == 4 else 0

    def prefix_only(self) -> bool:
        mask = 0xFFFFFFFF if self.prefix_len == 32 else ~(0xFFFFFFFF >> self.prefix_len)
        return self.bits() == self.bits() & mask

    def address(self) -> bool:
        return self.part() and self.i == len(self.s)

    def address_prefix(self) -> bool:
        if not (self.part() and self.take("/")):
            return False
        value = self.number(self.i, 2)
        if value is None or value > 32:
            return False
        self.prefix_len = value
        return self.i == len(self.s)

    def part(self) -> bool:
        start = self.i
        if self.octet() and self.take(".") and self.octet() and self.take(".") and self.octet() \
                and self.take(".") and self.octet():
            return True
        self.i = start
        return False

    def octet(self) -> bool:
        value = self.number(self.i, 3)
        if value is None or value > 255:
            return False
        self.octets.append(value)
        return True


class _Ipv6(_Scanner):
    def __init__(self, raw: bytes) -> None:
        super().__init__(raw)
        self.pieces: list[int] = []
        self.double_colon_at = -1
        self.double_colon = False
        self.dotted_addr: _Ipv4 | None = None
        self.zone = False
        self.prefix_len = 0

    def bits(self) -> list[int]:
        p16 = list(self.pieces)
        if self.dotted_addr is not None:
            d = self.dotted_addr.bits()
            p16 += [d >> 16, d & 0xFFFF]
        if self.double_colon:
            while len(p16) < 8:
                p16.insert(self.double_colon_at, 0)
        if len(p16) != 8:
            return [0, 0, 0, 0]
        return [((p16[k] << 16) | p16[k + 1]) for k in range(0, 8, 2)]

    def prefix_only(self) -> bool:
        for index, p32 in enumerate(self.bits()):
            size = self.prefix_len - 32 * index
            mask = 0xFFFFFFFF if size >= 32 else 0 if size < 0 else ~(0xFFFFFFFF >> size) & 0xFFFFFFFF
            if p32 != p32 & mask:
                return False
        return True

    def address(self) -> bool:
        return self.part() and self.i == len(self.s)

    def address_prefix(self) -> bool:
        if not (self.part() and not self.zone and self.take("/")):
            return False
        value = self.number(self.i, 3)
        if value is None or value > 128:
            return False
        self.prefix_len = value
        return self.i == len(self.s)

    def part(self) -> bool:
        while self.i < len(self.s):
            if (self.double_colon or len(self.pieces) == 6) and self.dotted():
                return self.dotted_addr is not None  # buf-bin takes `::1:2:3:4:5:6:1.2.3.4`
            if self.h16():
                continue
            if self.take(":"):
                if self.take(":"):
                    if self.double_colon:
                        return False
                    self.double_colon, self.double_colon_at = True, len(self.pieces)
                    if self.take(":"):
                        return False
                continue
            if self.s[self.i] == ord("%") and not self.zone_id():
                return False
            break
        return self._fits(len(self.pieces))

    def _fits(self, pieces: int) -> bool:
        """Eight 16-bit pieces, or fewer and `::` (buf-bin rejects `::1:2:3:4:5:6:7:8`)."""
        return pieces < 8 if self.double_colon else pieces == 8

    def zone_id(self) -> bool:
        start = self.i
        if self.take("%") and len(self.s) - self.i > 0:
            self.i, self.zone = len(self.s), True
            return True
        self.i, self.zone = start, False
        return False

    def dotted(self) -> bool:
        start = self.i
        while self.i < len(self.s) and (self.digit() or self.take(".")):
            pass
        if self.i - start >= 7:
            dotted = _Ipv4(self.s[start:self.i])
            self.dotted_addr = dotted if dotted.address() else None
            return True
        self.i = start
        return False

    def h16(self) -> bool:
        start = self.i
        while self.i < len(self.s) and self.hexdig():
            pass
        text = self.s[start:self.i]
        if not text or len(text) > 4:  # buf-bin rejects "12345::": the digits are not taken
            self.i = start
            return False
        self.pieces.append(int(text, 16))
        return True


class _Uri(_Scanner):
    """protovalidate-go's RFC 3986 parser (URI and URI-reference, RFC 6874 zone ids)."""

    def __init__(self, raw: bytes) -> None:
        super().__init__(raw)
        self.pct_found = False

    def at(self, chars: bytes) -> bool:
        return self.i < len(self.s) and self.s[self.i] in chars

    def uri(self) -> bool:
        start = self.i
        if not (self.scheme() and self.take(":") and self.hier_part()):
            self.i = start
            return False
        if self.take("?") and not self.query():
            return False
        if self.take("#") and not self.fragment():
            return False
        if self.i != len(self.s):
            self.i = start
            return False
        return True

    def uri_reference(self) -> bool:
        return self.uri() or self.relative_ref()

    def hier_part(self) -> bool:
        start = self.i
        if self.take("/") and self.take("/") and self.authority() and self.path_abempty():
            return True
        self.i = start
        return self.path_absolute() or self.path_rootless() or self.path_empty()

    def relative_ref(self) -> bool:
        start = self.i
        if not self.relative_part():
            return False
        if self.take("?") and not self.query():
            self.i = start
            return False
        if self.take("#") and not self.fragment():
            self.i = start
            return False
        if self.i != len(self.s):
            self.i = start
            return False
        return True

    def relative_part(self) -> bool:
        start = self.i
        if self.take("/") and self.take("/") and self.authority() and self.path_abempty():
            return True
        self.i = start
        return self.path_absolute() or self.path_noscheme() or self.path_empty()

    def scheme(self) -> bool:
        start = self.i
        if self.alpha():
            while self.alpha() or self.digit() or self.take("+") or self.take("-") or self.take("."):
                pass
            if self.at(b":"):
                return True
        self.i = start
        return False

    def authority(self) -> bool:
        start = self.i
        if self.userinfo() and not self.take("@"):
            self.i = start
            return False
        if not self.host():
            self.i = start
            return False
        if self.take(":") and not self.port():
            self.i = start
            return False
        if not self.authority_end():
            self.i = start
            return False
        return True

    def authority_end(self) -> bool:
        return self.i >= len(self.s) or self.at(b"?#/")

    def userinfo(self) -> bool:
        start = self.i
        while self.unreserved() or self.pct_encoded() or self.sub_delims() or self.take(":"):
            pass
        if self.at(b"@"):
            return True
        self.i = start
        return False

    def host(self) -> bool:
        if self.i >= len(self.s):
            return False
        start = self.i
        self.pct_found = False
        if (self.at(b"[") and self.ip_literal()) or self.reg_name():
            if self.pct_found:
                return _unescapes(self.s[start:self.i])
            return True
        return False

    def port(self) -> bool:
        start = self.i
        while self.digit():
            pass
        if self.authority_end():
            return True
        self.i = start
        return False

    def ip_literal(self) -> bool:
        start = self.i
        if self.take("["):
            inner = self.i
            if self.ipv6_address() and self.take("]"):
                return True
            self.i = inner
            if self.ipv6_addrz() and self.take("]"):
                return True
            self.i = inner
            if self.ipv_future() and self.take("]"):
                return True
        self.i = start
        return False

    def ipv6_address(self) -> bool:
        start = self.i
        while self.hexdig() or self.take(":"):
            pass
        if is_ip(self.s[start:self.i], 6):
            return True
        self.i = start
        return False

    def ipv6_addrz(self) -> bool:
        start = self.i
        if self.ipv6_address() and self.take("%") and self.take("2") and self.take("5") and self.zone_id():
            return True
        self.i = start
        return False

    def zone_id(self) -> bool:
        start = self.i
        while self.unreserved() or self.pct_encoded():
            pass
        if self.i - start > 0:
            return True
        self.i = start
        return False

    def ipv_future(self) -> bool:
        start = self.i
        if self.take("v") and self.hexdig():
            while self.hexdig():
                pass
            if self.take("."):
                counter = 0
                while self.unreserved() or self.sub_delims() or self.take(":"):
                    counter += 1
                if counter >= 1:
                    return True
        self.i = start
        return False

    def reg_name(self) -> bool:
        start = self.i
        while self.unreserved() or self.pct_encoded() or self.sub_delims():
            pass
        if self.authority_end() or self.at(b":"):
            return True
        self.i = start
        return False

    def path_end(self) -> bool:
        return self.i >= len(self.s) or self.at(b"?#")

    def path_abempty(self) -> bool:
        start = self.i
        self._more_segments()
        if self.path_end():
            return True
        self.i = start
        return False

    def path_absolute(self) -> bool:
        """"/" [ segment-nz *( "/" segment ) ]"""
        start = self.i
        if self.take("/"):
            if self.segment_nz():
                self._more_segments()
            if self.path_end():
                return True
        self.i = start
        return False

    def path_noscheme(self) -> bool:
        return self._path_from(self.segment_nz_nc)

    def path_rootless(self) -> bool:
        return self._path_from(self.segment_nz)

    def _path_from(self, first: Callable[[], bool]) -> bool:
        """`first` *( "/" segment ), up to the path's end."""
        start = self.i
        if first():
            self._more_segments()
            if self.path_end():
                return True
        self.i = start
        return False

    def _more_segments(self) -> None:
        while self.take("/") and self.segment():
            pass

    def path_empty(self) -> bool:
        return self.path_end()

    def segment(self) -> bool:
        while self.pchar():
            pass
        return True

    def segment_nz(self) -> bool:
        start = self.i
        if self.pchar():
            return self.segment()
        self.i = start
        return False

    def segment_nz_nc(self) -> bool:
        start = self.i
        while self.unreserved() or self.pct_encoded() or self.sub_delims() or self.take("@"):
            pass
        if self.i - start > 0:
            return True
        self.i = start
        return False

    def pchar(self) -> bool:
        return self.unreserved() or self.pct_encoded() or self.sub_delims() or self.take(":") or self.take("@")

    def query(self) -> bool:
        start = self.i
        while self.pchar() or self.take("/") or self.take("?"):
            pass
        if self.i == len(self.s) or self.at(b"#"):
            return True
        self.i = start
        return False

    def fragment(self) -> bool:
        start = self.i
        while self.pchar() or self.take("/") or self.take("?"):
            pass
        if self.i == len(self.s):
            return True
        self.i = start
        return False

    def pct_encoded(self) -> bool:
        start = self.i
        if self.take("%") and self.hexdig() and self.hexdig():
            self.pct_found = True
            return True
        self.i = start
        return False

    def unreserved(self) -> bool:
        return self.alpha() or self.digit() or self.take("-") or self.take("_") or self.take(".") or self.take("~")

    def sub_delims(self) -> bool:
        if self.at(b"!$&'()*+,;="):
            self.i += 1
            return True
        return False

    def alpha(self) -> bool:
        if self.i < len(self.s) and (65 <= self.s[self.i] <= 90 or 97 <= self.s[self.i] <= 122):
            self.i += 1
            return True
        return False


def _unescapes(raw: bytes) -> bool:
    """A percent-encoded host decodes to UTF-8 (buf-bin rejects `a://%ff`, takes `a://%c3%a9`)."""
    decoded = re.sub(rb"%([0-9a-fA-F]{2})", lambda m: bytes([int(m.group(1), 16)]), raw)
    try:
        decoded.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
