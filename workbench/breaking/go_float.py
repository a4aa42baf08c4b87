"""Go's %v of a float32 or float64 (strconv's 'g' with the shortest digits that read back), as buf
prints a changed default and protovalidate prints an example: one formatter for both."""

from __future__ import annotations

import math
import struct


def f32(value: float) -> float:
    """`value` rounded to float32 (out of range: an infinity, as Go's conversion gives)."""
    if math.isnan(value) or math.isinf(value):
        return value
    try:
        return float(struct.unpack("f", struct.pack("f", value))[0])
    except OverflowError:
        return math.copysign(math.inf, value)


def go_float(value: float, single: bool) -> str:
    """Go's %v: exponent form from 1e6 up or below 1e-4; NaN, +Inf, -Inf, -0."""
    if single:
        value = f32(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if value == 0:
        return "-0" if math.copysign(1.0, value) < 0 else "0"
    from decimal import Decimal  # only where a float is printed: not worth every start's import

    text = _shortest32(value) if single else repr(value)
    sign, digits, exp = Decimal(text).normalize().as_tuple()
    assert isinstance(exp, int)
    head = "-" if sign else ""
    shown = "".join(str(d) for d in digits)
    exponent = len(digits) - 1 + exp
    if exponent < -4 or exponent >= 6:
        mantissa = shown[0] + ("." + shown[1:] if len(shown) > 1 else "")
        return f"{head}{mantissa}e{'-' if exponent < 0 else '+'}{abs(exponent):02d}"
    if exp >= 0:
        return head + shown + "0" * exp
    point = len(shown) + exp
    if point > 0:
        return head + shown[:point] + "." + shown[point:]
    return head + "0." + "0" * -point + shown


def _shortest32(value: float) -> str:
    for digits in range(1, 10):
        text = f"{value:.{digits}g}"
        if f32(float(text)) == value:
            return text if "e" not in text else repr(float(text))
    return repr(value)
