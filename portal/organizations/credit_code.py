"""统一社会信用代码 (unified social credit code) checks per GB 32100-2015.

18 characters from a 31-character alphabet (no I, O, S, V, Z); the last character
is a check digit over the first 17, weighted by 3^i mod 31.
"""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUES = {ch: i for i, ch in enumerate(ALPHABET)}


def normalize_credit_code(raw: str) -> str:
    """Upper-case and strip spaces and full-width characters people paste in."""
    folded = "".join(chr(ord(ch) - 0xFEE0) if "\uff01" <= ch <= "\uff5e" else ch for ch in raw)
    return "".join(folded.split()).upper()


def credit_code_check_char(first17: str) -> str:
    total = sum(_VALUES[ch] * weight for ch, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def credit_code_error(code: str) -> str | None:
    """None when the code is valid, else the reason (in Chinese, shown to users)."""
    if len(code) != 18:
        return f"统一社会信用代码应为 18 位，当前为 {len(code)} 位"
    bad = sorted({ch for ch in code if ch not in _VALUES})
    if bad:
        return "统一社会信用代码含有无效字符：" + "".join(bad)
    expected = credit_code_check_char(code[:17])
    if code[17] != expected:
        return "统一社会信用代码校验位不正确"
    return None


def is_valid_credit_code(code: str) -> bool:
    return credit_code_error(code) is None
