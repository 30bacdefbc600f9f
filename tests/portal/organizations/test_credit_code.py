import pytest

from portal.organizations.credit_code import (
    credit_code_error,
    is_valid_credit_code,
    normalize_credit_code,
)

# Codes of real, well-known companies, published in their business licences.
REAL_CODES = [
    "9144030071526726XG",  # 深圳市腾讯计算机系统有限公司
    "91330100799655058B",  # 阿里巴巴（中国）有限公司
    "914403001922038216",  # 华为技术有限公司
    "91110000802100433B",  # 中国石油化工股份有限公司
]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_pass(code: str) -> None:
    assert credit_code_error(code) is None


@pytest.mark.parametrize("code", REAL_CODES)
def test_any_single_changed_character_fails(code: str) -> None:
    for position in range(18):
        replacement = "1" if code[position] != "1" else "2"
        corrupted = code[:position] + replacement + code[position + 1 :]
        assert not is_valid_credit_code(corrupted), corrupted


@pytest.mark.parametrize("code", REAL_CODES)
def test_swapped_neighbours_fail(code: str) -> None:
    for position in range(17):
        if code[position] == code[position + 1]:
            continue
        swapped = code[:position] + code[position + 1] + code[position] + code[position + 2 :]
        assert not is_valid_credit_code(swapped), swapped


def test_reasons_are_specific() -> None:
    assert "18 位" in credit_code_error("91350200")
    assert "无效字符" in credit_code_error("9135020O1234567890")  # letter O is not allowed
    assert "校验位" in credit_code_error("91330100799655058C")


def test_normalize_folds_full_width_and_spaces() -> None:
    assert normalize_credit_code(" ９１３３０１００ 799655058b ") == "91330100799655058B"
