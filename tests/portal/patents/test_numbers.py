"""Normalized forms: publication numbers, classification codes, dates, names, legal status."""

from datetime import date

import pytest

from portal.patents.legal_status import LegalStatus, normalize_legal_status
from portal.patents.numbers import (
    FormatError,
    ipc_main_group,
    normalize_classification,
    normalize_name,
    parse_date,
    parse_publication_number,
)


@pytest.mark.parametrize(
    ("value", "country", "expected"),
    [
        ("CN112345678A", "", "CN112345678A"),
        ("CN 112345678 A", "", "CN112345678A"),
        ("112345678A", "CN", "CN112345678A"),
        ("cn112345678a", "", "CN112345678A"),
        ("CN-110364031-B", "", "CN110364031B"),  # Google Patents
        ("US 2011/0185700 A1", "", "US20110185700A1"),  # Lens
        ("US 8001762 B2", "", "US8001762B2"),
        ("ＣＮ１１２３４５６７８Ａ", "", "CN112345678A"),  # full-width
        ("EP3035558", "", "EP3035558"),
        ("JP S63201358 A", "", "JPS63201358A"),  # Lens: Japanese era numbers
        ("TW I324218 B", "", "TWI324218B"),
        ("EP 1357170 B9 20061018", "", "EP1357170B9"),  # correction date dropped
        ("IN 2851DE2013 A", "", "IN2851DE2013A"),
    ],
)
def test_publication_numbers_are_one_form(value: str, country: str, expected: str) -> None:
    assert parse_publication_number(value, country).text == expected


@pytest.mark.parametrize("value", ["", "XYZ", "CN", "112345678A", "CN12A", "<script>1</script>"])
def test_malformed_publication_numbers_are_refused(value: str) -> None:
    with pytest.raises(FormatError):
        parse_publication_number(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("H01M 10/0525", "H01M 10/0525"),
        ("H01M10/0525", "H01M 10/0525"),
        ("H01M  10/0525", "H01M 10/0525"),
        ("h01m 10/0525", "H01M 10/0525"),
        ("G06F  9/451", "G06F 9/451"),
        ("H04W 4/4", "H04W 4/40"),
        ("C12N2501/515", "C12N 2501/515"),
        ("Y02E 10/50", "Y02E 10/50"),
        ("H01M", "H01M"),
        ("H01M 10/0525 (2010.01)", "H01M 10/0525"),
        ("B60W30/188I", "B60W 30/188"),  # IPC 8 inventive flag
        ("F16H59/70N", "F16H 59/70"),
        ("B60R/", "B60R"),
    ],
)
def test_classification_codes_are_one_form(value: str, expected: str) -> None:
    assert normalize_classification(value) == expected


def test_subgroup_digits_are_decimals_not_numbers() -> None:
    # In the IPC 10/0525 (rocking-chair batteries) sits under 10/05; 10/525 would be another.
    assert normalize_classification("H01M 10/525") != normalize_classification("H01M 10/0525")


@pytest.mark.parametrize("value", ["XYZ", "H01", "Z01M 10/00", "H01M 10", "H01M 10/", "10/0525"])
def test_malformed_classification_codes_are_refused(value: str) -> None:
    with pytest.raises(FormatError):
        normalize_classification(value)


def test_main_group() -> None:
    assert ipc_main_group("H01M 10/0525") == "H01M 10/00"
    assert ipc_main_group("H01M") == "H01M"


@pytest.mark.parametrize(
    "value", ["2021-03-05", "2021/3/5", "20210305", "2021.03.05", "2021年3月5日", "44260"]
)
def test_dates_in_every_export_form(value: str) -> None:
    assert parse_date(value) == date(2021, 3, 5)


@pytest.mark.parametrize("value", ["2021-02-30", "20211301", "2021年2月30日"])
def test_impossible_dates_are_refused(value: str) -> None:
    with pytest.raises(FormatError, match="日期不存在"):
        parse_date(value)


@pytest.mark.parametrize("value", ["yesterday", "2021", "05/03/2021", "123"])
def test_unreadable_dates_are_refused(value: str) -> None:
    with pytest.raises(FormatError):
        parse_date(value)


def test_applicant_names_match_across_bracket_width_case_and_dots() -> None:
    bracketed, plain = "阿波罗智行科技（广州）有限公司", "阿波罗智行科技广州有限公司"
    assert normalize_name(bracketed) == normalize_name(plain)
    assert normalize_name("Zhidou Electric Vehicle Co., Ltd.") == normalize_name(
        "ZHIDOU ELECTRIC VEHICLE CO LTD"
    )
    assert normalize_name("厦门大学") != normalize_name("福州大学")


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("实质审查", LegalStatus.PENDING),
        ("授权", LegalStatus.GRANTED),
        ("未缴年费", LegalStatus.LAPSED),
        ("撤回", LegalStatus.WITHDRAWN),
        ("驳回", LegalStatus.REJECTED),
        ("期限届满", LegalStatus.EXPIRED),
        ("ACTIVE", LegalStatus.GRANTED),
        ("DISCONTINUED", LegalStatus.LAPSED),
        ("Expired - Lifetime", LegalStatus.EXPIRED),
        ("公开; 实质审查; 授权", LegalStatus.GRANTED),
        ("其他", LegalStatus.UNKNOWN),
        ("something new", LegalStatus.UNKNOWN),
        ("", LegalStatus.UNKNOWN),
    ],
)
def test_legal_status_wordings(text: str, status: LegalStatus) -> None:
    assert normalize_legal_status(text) == status
