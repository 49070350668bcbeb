"""The machine's socket table as /proc writes it: only the states the path probe asks about."""

from __future__ import annotations

from pathlib import Path

from tui.core.probes.sockets import ESTABLISHED_STATE, LISTEN_STATE, Socket, _table

# /proc/net/tcp's layout (Linux 6.x): a header, then one line per socket
PROC_NET_TCP = """\
  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:AE83 00000000:0000 0A 00000000:00000000 00:00000000 00000000   101        0 3357269 1 00000000294e1c9e 100 0 0 10 0
   1: 0100007F:DDC0 0100007F:E6AB 06 00000000:00000000 03:0000075A 00000000     0        0 0 3 00000000d1745e9f
   2: 0100007F:E6AB 0100007F:AE83 01 00000000:00000000 00:00000000 00000000   101        0 3369441 1 000000009ef8c8e4 20 4 30 10 -1
   3: 0100007F:C350 0100007F:AE83 08 00000000:00000000 00:00000000 00000000   101        0 3369442 1 000000009ef8c8e5 20 4 30 10 -1
   4: short line
"""


def test_only_listening_and_established_sockets_are_read(tmp_path: Path) -> None:
    """A busy host's table is mostly TIME_WAIT (06) and other closing states, owned by no
    process: the path probe never asks about them, so they are not parsed at all."""
    path = tmp_path / "tcp"
    path.write_text(PROC_NET_TCP)
    assert _table(path) == [
        Socket(0xAE83, 0, LISTEN_STATE, 3357269),
        Socket(0xE6AB, 0xAE83, ESTABLISHED_STATE, 3369441),
    ]


def test_an_unreadable_table_is_empty(tmp_path: Path) -> None:
    assert _table(tmp_path / "missing") == []
