"""The English catalogue: compiled from its .po, complete, and used by the portal.

A msgid that appears in the source but is not yet translated does not fail these
tests (`scripts/i18n.sh check` reports it); a catalogue that is stale, fuzzy or
broken does.
"""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, render_template_string
from flask_babel import force_locale, gettext

from portal import create_app
from portal.config import TestConfig

MESSAGES_DIR = Path(__file__).resolve().parents[2] / "translations" / "en" / "LC_MESSAGES"
# Named printf placeholders with any flags, width and precision: %(n)d, %(c).2f.
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrs]")

# Core strings and the English the portal must show for them.
CORE_STRINGS = {
    "登录": "Log in",
    "技术成果": "Technology offer",
    "技术需求": "Technology need",
    "技术经纪人": "Technology broker",
    "统一社会信用代码": "Unified social credit code",
}


def _catalogue() -> Catalog:
    with (MESSAGES_DIR / "messages.po").open("rb") as handle:
        return read_po(handle, locale="en")


def _messages() -> list[Message]:
    return [message for message in _catalogue() if message.id]


def _strings(message: Message) -> tuple[str, ...]:
    # Plural messages hold one string per form.
    return message.string if isinstance(message.string, tuple) else (message.string,)


@pytest.fixture
def app() -> Flask:
    return create_app(TestConfig)


def test_compiled_catalogue_matches_po() -> None:
    compiled = BytesIO()
    write_mo(compiled, _catalogue())
    committed = (MESSAGES_DIR / "messages.mo").read_bytes()
    assert committed == compiled.getvalue(), "messages.mo is stale: run scripts/i18n.sh compile"


def test_catalogue_has_no_fuzzy_or_empty_translations() -> None:
    messages = _messages()
    assert messages, "the English catalogue is empty"
    fuzzy = [message.id for message in messages if message.fuzzy]
    empty = [message.id for message in messages if not all(_strings(message))]
    assert fuzzy == []
    assert empty == []


def test_translations_keep_placeholders() -> None:
    def placeholders(text: str) -> list[str]:
        return sorted(PLACEHOLDER.findall(text))

    broken = [
        message.id
        for message in _messages()
        if isinstance(message.id, str)
        and any(placeholders(text) != placeholders(message.id) for text in _strings(message))
    ]
    assert broken == []


def test_core_strings_come_out_in_english(app: Flask) -> None:
    with app.test_request_context(), force_locale("en"):
        assert {msgid: gettext(msgid) for msgid in CORE_STRINGS} == CORE_STRINGS
        assert gettext("已入驻机构 %(n)d 家", n=3) == "3 organizations on the platform"
        assert render_template_string("{{ _('退出') }}") == "Log out"


def test_chinese_locale_keeps_the_source_strings(app: Flask) -> None:
    with app.test_request_context(), force_locale("zh_CN"):
        assert [gettext(msgid) for msgid in CORE_STRINGS] == list(CORE_STRINGS)
        assert render_template_string("{{ _('退出') }}") == "退出"
