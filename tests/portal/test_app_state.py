"""``per_app``: built once per app, shared by threads, and a build may use another."""

from __future__ import annotations

import threading
import time

from flask import Flask

from portal.app_state import per_app


def test_built_once_per_app_even_when_threads_race() -> None:
    app, other = Flask(__name__), Flask(__name__)
    builds: list[Flask] = []

    def build(a: Flask) -> object:
        builds.append(a)
        time.sleep(0.05)  # long enough for every thread to find nothing built yet
        return object()

    results: list[object] = []
    threads = [
        threading.Thread(target=lambda: results.append(per_app(app, "test.thing", build)))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert builds == [app] and len({id(r) for r in results}) == 1
    assert app.extensions["test.thing"] is results[0]
    assert per_app(other, "test.thing", build) is not results[0] and builds == [app, other]


def test_a_build_may_need_another_and_the_current_app_is_the_default() -> None:
    app = Flask(__name__)

    def outer(a: Flask) -> tuple[str, str]:
        return ("outer", per_app(a, "test.inner", lambda _: "inner"))

    with app.app_context():
        assert per_app(None, "test.outer", outer) == ("outer", "inner")
    assert app.extensions["test.inner"] == "inner"
