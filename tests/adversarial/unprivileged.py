"""Running a command as a user whom permission bits stop: as root, chmod alone proves nothing."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess

import pytest

# The capabilities that let root write, read or chmod whatever the permission bits say.
OVERRIDES = "-dac_override,-dac_read_search,-fowner,-linux_immutable"


@functools.cache
def _prefix() -> tuple[str, ...] | str:
    if os.geteuid() != 0:
        return ()
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return "running as root and setpriv (util-linux) is missing: no way to make a folder read-only to root"
    prefix = (setpriv, f"--bounding-set={OVERRIDES}", "--inh-caps=-all", "--")
    if subprocess.run([*prefix, "true"], capture_output=True).returncode != 0:
        return "running as root and setpriv cannot drop capabilities here (no CAP_SETPCAP)"
    return prefix


def as_user() -> list[str]:
    """The prefix that makes a command obey permission bits: nothing for a user; for root,
    `setpriv` dropping the overriding capabilities (checked to work). Skips the test otherwise."""
    prefix = _prefix()
    if isinstance(prefix, str):
        pytest.skip(prefix)
    return list(prefix)
