"""The one transaction rule: services flush, and whoever called them commits.

Views, API handlers and commands wrap a request's changes in `unit_of_work()`, so everything a
request did is kept together or, when anything in it raises, rolled back together.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import scoped_session

from portal.extensions import db


@contextmanager
def unit_of_work() -> Iterator[scoped_session]:
    """Commit the block's changes; roll all of them back if it raises."""
    try:
        yield db.session
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()
