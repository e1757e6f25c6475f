"""Money in euros: Decimal amounts read strictly and rounded as an invoice rounds them (half up
to the cent, once per line)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("1000000")


class AmountError(ValueError):
    """A text or number that is not an amount in euros."""


def parse_eur(value: Any, what: str = "amount") -> Decimal:
    """An amount in euros from a JSON number or a text ("95", "95.5", 95.50): at most two
    decimals, not negative, below a million. Anything else is an AmountError naming `what`."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise AmountError(f"{what}: {value!r} is not an amount in euros")
    text = str(value).strip() if not isinstance(value, float) else repr(value)
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise AmountError(f"{what}: {value!r} is not an amount in euros") from None
    if not amount.is_finite():
        raise AmountError(f"{what}: {value!r} is not an amount in euros")
    if amount < 0:
        raise AmountError(f"{what}: {value!r} is negative")
    if amount >= MAX_AMOUNT:
        raise AmountError(f"{what}: {value!r} is not a plausible amount in euros")
    if amount != amount.quantize(CENT, rounding=ROUND_HALF_UP):
        raise AmountError(f"{what}: {value!r} has more than two decimals")
    return amount.quantize(CENT)


def cents(amount: Decimal) -> Decimal:
    """Rounded to the cent, half up (0.005 -> 0.01), as an invoice line is."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def eur(amount: Decimal) -> str:
    """The amount as a text with two decimals ("45.00")."""
    return f"{cents(amount):.2f}"


def number(value: Decimal) -> int | float:
    """A quantity (hours, percent) for JSON: whole numbers as ints, the rest to two decimals."""
    rounded = cents(value)
    return int(rounded) if rounded == rounded.to_integral_value() else float(rounded)
