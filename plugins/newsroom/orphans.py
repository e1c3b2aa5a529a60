"""No orphans: a process the build starts (a check's worker, the share cards' drawer) ends
when the build does, even when the build is killed outright and cannot stop it.

Imports only the standard library's process plumbing: the share cards' drawing process
(card_drawing.py) imports it beside Pillow alone.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal

#: prctl's option to be sent a signal when the parent ends (linux/prctl.h).
_PR_SET_PDEATHSIG = 1


def end_with(parent: int) -> bool:
    """Have this process killed when ``parent`` (its parent, by process id) ends; False when
    it has ended already, and the caller should end too.

    A parent killed by SIGKILL (or SIGTERM to it alone) never gets to stop its children,
    which would wait for work forever: on Linux, the kernel kills them then. Elsewhere
    nothing is asked, and only an already ended parent is noticed.
    """
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    # A parent that ended before the line above sent nothing: it is seen here instead.
    return os.getppid() == parent
