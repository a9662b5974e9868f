"""The MTProto connector through Telethon's own TL objects (telethon.tl.types), serialised by
Telethon into the folder that TlLogSource reads: no offline MTProto server exists."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from telethon.tl import types

from connectors.telethon.source import write_tl
from tests.connectors.support import Run, wait_for

CHANNEL, GROUP, OFFICIAL = 1111, 2222, 4242
NOW = datetime.now(UTC).replace(microsecond=0)


def chats(folder: Path) -> None:
    channel = types.Channel(
        id=CHANNEL, title="Камышлов LIVE", photo=types.ChatPhotoEmpty(), date=NOW,
        username="kamlive", broadcast=True, access_hash=1,
    )  # fmt: skip
    group = types.Channel(
        id=GROUP, title="Камышлов LIVE — обсуждение", photo=types.ChatPhotoEmpty(), date=NOW,
        username="kamlive_chat", megagroup=True, access_hash=2,
    )  # fmt: skip
    write_tl(folder / "chats.tl", channel, group)


def post(n: int, text: str, **extra: Any) -> types.Message:
    return types.Message(
        id=n,
        peer_id=types.PeerChannel(CHANNEL),
        date=NOW,
        message=text,
        views=100,
        forwards=3,
        **extra,
    )


def in_group(n: int, text: str, **extra: Any) -> types.Message:
    return types.Message(id=n, peer_id=types.PeerChannel(GROUP), date=NOW, message=text, **extra)


def auto_copy(post_id: int) -> types.MessageFwdHeader:
    """How a discussion group's automatic copy of a channel post names its original."""
    channel = types.PeerChannel(CHANNEL)
    return types.MessageFwdHeader(
        date=NOW,
        from_id=channel,
        channel_post=post_id,
        saved_from_peer=channel,
        saved_from_msg_id=post_id,
    )


def start(run: Run, folder: Path, **extra: str) -> None:
    run.env.update(
        {
            "MCU_CONNECTORS__TELETHON__ENABLED": "true",
            "MCU_CONNECTORS__TELETHON__REPLAY_DIR": str(folder),
            "MCU_CONNECTORS__TELETHON__CHANNELS": '["kamlive"]',
            "MCU_CONNECTORS__TELETHON__POLL_SECONDS": "0.3",
            "MCU_CONNECTORS__TELETHON__OFFICIAL_IDS": f"[{OFFICIAL}]",
            **extra,
        }
    )
    run.start("connect", "telethon")


def test_kill_9_and_restart_by_min_id(run: Run, tmp_path: Path) -> None:
    chats(tmp_path)
    write_tl(tmp_path / "updates.tl", *(post(n, f"Новость {n}: ремонт моста") for n in range(1, 9)))
    start(run, tmp_path, MCU_CONNECTORS__TELETHON__HISTORY_BATCH="2")
    wait_for(lambda: run.ids(), 60, "первые посты")
    run.kill9()
    run.start("connect", "telethon")
    expected = {f"tg:-100{CHANNEL}/{n}" for n in range(1, 9)}
    run.wait_ids(expected)
    assert run.ids() == expected
    assert len(run.messages()) <= len(expected) + 2  # at most the batch in flight again
    wait_for(lambda: run.cursors()["telethon:channel:kamlive"]["min_id"] == 8, what="min_id")


def test_flood_wait_is_waited_out(run: Run, tmp_path: Path) -> None:
    chats(tmp_path)
    write_tl(tmp_path / "updates.tl", post(1, "Отключение газа на Молокова"))
    (tmp_path / "flood").write_text("1")
    start(run, tmp_path)
    run.wait_metrics()
    run.wait_ids({f"tg:-100{CHANNEL}/1"})
    assert (
        run.metric("mcu_connector_api_errors_total", connector="telethon", code="flood_wait") == 1
    )


def test_comments_edits_deletions_forwards_and_official_replies(run: Run, tmp_path: Path) -> None:
    chats(tmp_path)
    fwd = types.MessageFwdHeader(date=NOW, from_id=types.PeerChannel(9999), channel_post=77)
    write_tl(
        tmp_path / "updates.tl",
        post(1, "Прорыв трубы на Советской, воды нет"),
        post(2, "Репост", fwd_from=fwd),
        # The discussion group's automatic copy of post 1, then comments on it.
        in_group(10, "Прорыв трубы на Советской, воды нет", fwd_from=auto_copy(1)),
        in_group(11, "Когда дадут воду?", from_id=types.PeerUser(501),
                 reply_to=types.MessageReplyHeader(reply_to_msg_id=10, reply_to_top_id=10)),
        in_group(12, "Бригада на месте, к 18:00", from_id=types.PeerUser(OFFICIAL),
                 reply_to=types.MessageReplyHeader(reply_to_msg_id=11, reply_to_top_id=10)),
    )  # fmt: skip
    start(run, tmp_path)
    ids = {f"tg:-100{CHANNEL}/1", f"tg:-100{CHANNEL}/2", f"tg:-100{GROUP}/11", f"tg:-100{GROUP}/12"}
    run.wait_ids(ids)
    write_tl(
        tmp_path / "updates.tl",
        types.UpdateEditChannelMessage(
            message=post(1, "Прорыв трубы на Советской устранён"), pts=1, pts_count=1
        ),
        types.UpdateDeleteChannelMessages(channel_id=CHANNEL, messages=[2], pts=2, pts_count=1),
    )
    wait_for(lambda: len(run.messages()) >= 6, what="правка и удаление")
    got: dict[str, list[dict[str, Any]]] = {}
    for m in run.messages():
        got.setdefault(m["id"], []).append(m)
    assert f"tg:-100{GROUP}/10" not in got  # the automatic copy is not a message of its own
    first = got[f"tg:-100{CHANNEL}/1"]
    assert [m.get("status") for m in first] == [None, "edited"] and "устранён" in first[1]["text"]
    shared = got[f"tg:-100{CHANNEL}/2"]
    assert shared[0]["original_id"] == "tg:-1009999/77" and shared[1]["status"] == "deleted"
    [question] = got[f"tg:-100{GROUP}/11"]
    assert question["kind"] == "comment" and question["thread_id"] == f"tg:-100{CHANNEL}/1"
    [answer] = got[f"tg:-100{GROUP}/12"]
    assert answer["kind"] == "reply" and answer["author"]["is_official"] is True
    assert (
        answer["parent_id"] == f"tg:-100{GROUP}/11" and answer["thread_id"] == question["thread_id"]
    )
