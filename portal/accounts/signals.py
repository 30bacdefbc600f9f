"""What happens to an account that other packages react to, without accounts importing them.

``password_reset`` is sent with the user after a password reset; the API package revokes the
user's tokens on it.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()
password_reset = _signals.signal("password-reset")
