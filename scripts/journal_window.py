"""How often a sender killed the instant the SMTP server reads the final "." has not yet
journaled the key (a restarted worker would send that mail again).

    python -m scripts.journal_window 100          # from the repo root

Each round: a real aiosmtpd server on loopback, a sender process delivering one notification
through `deliver_due` with the sent-journal, SIGKILL from the server's DATA handler at once
(the setting of tests/streams/test_journal_crash.py, repeated).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from streams.alerting.journal import SentJournal
from tests.streams.test_journal_crash import _mail


def main(rounds: int) -> None:
    missing = 0
    for _ in range(rounds):
        journal = Path(tempfile.mkdtemp()) / "sent-p3.journal"
        code, _, kept = _mail(journal, kill_at="data")
        assert code == -9 and len(kept) == 1
        missing += not SentJournal(journal).recorded()
    print(
        f"{rounds} отправителей убито в момент, когда сервер прочёл финальную точку: "
        f"ключа нет в журнале у {missing}"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
