"""Votes from several replicas go to one PostgreSQL table (Debian's PostgreSQL, started on a
unix socket only and stopped by the test)."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.settings import Settings, SettingsError
from bot.web.feedback import FeedbackError, FeedbackLog, PostgresFeedback, open_feedback


def _postgres_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    assert found, "PostgreSQL is missing: .ci/run installs Debian's postgresql"
    return Path(found[-1]).parent


@pytest.fixture
def database(tmp_path: Path) -> Iterator[str]:
    bin_dir = _postgres_bin()
    as_user: list[str] = []
    work = tmp_path
    holder = None
    if os.geteuid() == 0:
        # PostgreSQL refuses to run as root, and root's pytest folders are closed to other
        # users: the server runs as Debian's postgres user in a folder it may enter.
        holder = tempfile.TemporaryDirectory(prefix="zhen-pg-")
        work = Path(holder.name)
        os.chmod(work, 0o755)
        shutil.chown(work, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    data, sock = work / "data", work / "sock"
    subprocess.run([*as_user, "mkdir", "-p", str(sock)], check=True)
    subprocess.run(
        [*as_user, str(bin_dir / "initdb"), "-D", str(data), "-U", "zhen", "--auth=trust"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    options = f"-c listen_addresses='' -c unix_socket_directories={sock}"
    subprocess.run(
        [*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-w", "start"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    try:
        yield f"postgresql://zhen@/postgres?host={sock}"
    finally:
        subprocess.run(
            [*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"],
            stdout=subprocess.DEVNULL,
        )
        if holder is not None:
            holder.cleanup()


def test_votes_from_two_replicas_land_in_one_table(database):
    first, second = PostgresFeedback(database), PostgresFeedback(database)
    first.append({"question": "天津和神户哪一年结好？", "answer": "1973年", "vote": "up"})
    second.append({"question": "Who wrote it?", "answer": "…", "vote": "down"})
    entries = first.read()
    assert [(e["question"], e["vote"]) for e in entries] == [
        ("天津和神户哪一年结好？", "up"),
        ("Who wrote it?", "down"),
    ]
    assert all("time" in e for e in entries)


def test_a_bad_vote_is_refused_before_the_database(database):
    with pytest.raises(FeedbackError):
        PostgresFeedback(database).append({"vote": "sideways"})
    assert PostgresFeedback(database).read() == []


def test_an_unreachable_database_is_a_feedback_error_not_a_crash(tmp_path):
    store = PostgresFeedback(f"postgresql://zhen@/postgres?host={tmp_path}")
    with pytest.raises(FeedbackError, match="could not store feedback"):
        store.append({"vote": "up"})


def test_the_settings_choose_the_store(tmp_path):
    local = Settings.from_env({}, home=tmp_path)
    assert isinstance(open_feedback(local.feedback_path, local.feedback_url), FeedbackLog)
    shared = Settings.from_env({"ZHEN_FEEDBACK_URL": "postgresql://db.internal/zhen"})
    store = open_feedback(shared.feedback_path, shared.feedback_url)
    assert isinstance(store, PostgresFeedback)
    with pytest.raises(SettingsError, match="ZHEN_FEEDBACK_URL"):
        Settings.from_env({"ZHEN_FEEDBACK_URL": "mysql://db.internal/zhen"})
