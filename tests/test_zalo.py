"""zalo:// against a real local stand-in of the Zalo OA API (tests/zalo_server.py).

Each test sends through Apprise itself (or through dondoc's notify, which holds Apprise),
and reads what the API received; the server checks every request's shape.
"""

from __future__ import annotations

import logging
import socket
import time
from pathlib import Path

import apprise
import pytest

from dondoc.tasks import notify, zalo
from dondoc.tasks.render import Message
from tests.zalo_server import ZaloApi

# Shaped like a real OA access token: long, base64url letters with - and _.
TOKEN = "Xq3_kP9-" + "aZ0b_Yc1-Xd2We3Vf4Ug5Th6Si7Rj8Qk9Pl0Om1Nn2Mo3Lp4Kq5Jr6Is7Ht8Gu9Fv0Ew" * 5
USER_A, USER_B, USER_C = "2512523625412515", "8811223344556677", "1029384756102938"


def instantiate(url: str) -> apprise.Apprise:
    client = apprise.Apprise()
    assert client.add(url), "Apprise refused the URL"
    return client


def message(body: str, subject: str = "Nhắc việc", unit: str = "PVHTT") -> Message:
    return Message(key=f"test:{unit}", unit=unit, subject=subject, body=body)


def test_a_message_reaches_the_follower_as_the_api_documents_it(
        caplog: pytest.LogCaptureFixture) -> None:
    with ZaloApi(TOKEN) as api, apprise.LogCapture(level=logging.DEBUG) as log:
        caplog.set_level(logging.DEBUG)
        ok = instantiate(f"zalo://{TOKEN}/{USER_A}?base={api.base}").notify(
            title="Nhắc hạn báo cáo", body="Phòng VHTT: báo cáo quý II đến hạn ngày 30/06.")
    assert ok is True
    assert api.violations == []
    assert [(m.user_id, m.text) for m in api.messages] == [
        (USER_A, "Nhắc hạn báo cáo\n\nPhòng VHTT: báo cáo quý II đến hạn ngày 30/06.")]
    assert api.headers_seen[0]["access_token"] == TOKEN
    # The token went in the header only; no log line of Apprise or of the HTTP stack has it.
    assert TOKEN not in log.getvalue()
    assert TOKEN not in caplog.text


def test_an_invalid_token_is_a_failed_send_with_zalos_error_and_no_token(
        tmp_path: Path) -> None:
    wrong = TOKEN[::-1]
    with ZaloApi(TOKEN) as api:
        config = tmp_path / "apprise.yaml"
        config.write_text(
            "urls:\n"
            f"  - \"zalo://${{ZALO_OA_TOKEN}}/{USER_A}?base={api.base}\":\n"
            "      - tag: PVHTT\n", encoding="utf-8")
        targets = notify.load_targets(config, env={"ZALO_OA_TOKEN": wrong})
        (endpoint,) = targets.for_unit("PVHTT")
        result = notify.send(endpoint, message("Nội dung nhắc việc."), targets)
    assert api.violations == []
    assert result.ok is False
    assert api.refused == [(USER_A, -216)]
    assert result.error is not None
    assert "-216" in result.error and "Access token is invalid" in result.error
    assert USER_A in result.error  # which follower it was for
    assert wrong not in result.error and TOKEN not in result.error


def test_a_long_message_goes_in_ordered_parts_cut_at_line_ends() -> None:
    lines = [f"{i:03d}. Nhiệm vụ số {i}: UBND xã Tiên A báo cáo tiến độ chuyển đổi số."
             for i in range(1, 121)]
    body = "\n".join(lines)
    assert len(body) > 2 * zalo.TEXT_LIMIT
    with ZaloApi(TOKEN) as api:
        ok = instantiate(f"zalo://{TOKEN}/{USER_A}?base={api.base}").notify(
            title="Danh sách nhiệm vụ", body=body)
    assert ok is True
    assert api.violations == []  # includes: every text within 2000 characters
    parts = api.texts(USER_A)
    assert len(parts) == 5  # about 8,900 characters
    # Cut at line ends only: every part is whole lines, and in order they give the message.
    assert "\n".join(parts) == "Danh sách nhiệm vụ\n\n" + body
    assert all(p.split("\n")[-1] in lines for p in parts)


def test_split_text_falls_back_to_spaces_then_anywhere_and_counts_like_zalo() -> None:
    words = " ".join(["chuyển-đổi-số"] * 400)  # one line of about 5,600 characters
    parts = zalo.split_text(words)
    assert all(len(p) <= 2000 for p in parts)
    assert " ".join(parts) == words
    solid = "x" * 4500
    assert [len(p) for p in zalo.split_text(solid)] == [2000, 2000, 500]
    # An emoji is two units in Zalo's count (UTF-16), so 1,500 of them need two parts.
    emoji = "📌" * 1500
    parts = zalo.split_text(emoji)
    assert [len(p) for p in parts] == [1000, 500]
    assert zalo.split_text("ngắn") == ["ngắn"]


def test_several_user_ids_each_get_the_message_and_one_refusal_fails_the_send(
        tmp_path: Path) -> None:
    with ZaloApi(TOKEN, not_following=frozenset({USER_B})) as api:
        config = tmp_path / "apprise.yaml"
        config.write_text(
            "urls:\n"
            f"  - \"zalo://${{ZALO_OA_TOKEN}}/{USER_A}/{USER_B}/{USER_C}?base={api.base}\":\n"
            "      - tag: PTCKH\n", encoding="utf-8")
        targets = notify.load_targets(config, env={"ZALO_OA_TOKEN": TOKEN})
        (endpoint,) = targets.for_unit("PTCKH")
        result = notify.send(endpoint, message("Đề nghị gửi số liệu.", unit="PTCKH"), targets)
    assert api.violations == []
    # The followers who can be reached are, once each; the one who cannot fails the send.
    assert [m.user_id for m in api.messages] == [USER_A, USER_C]
    assert api.refused == [(USER_B, -213)]
    assert result.ok is False
    assert result.error is not None and "-213" in result.error and USER_B in result.error
    assert TOKEN not in result.error


def test_privacy_url_hides_the_token_and_the_full_url_round_trips() -> None:
    plugin = apprise.Apprise.instantiate(
        f"zalo://{TOKEN}/{USER_A}/{USER_B}?base=http://127.0.0.1:8080&rto=7&cto=3")
    assert plugin is not None
    shown = plugin.url(privacy=True)
    assert TOKEN not in shown and TOKEN[:12] not in shown and TOKEN[-12:] not in shown
    assert shown.startswith(f"zalo://****/{USER_A}/{USER_B}")
    again = apprise.Apprise.instantiate(plugin.url())
    assert (again.token, again.targets, again.base) == (TOKEN, [USER_A, USER_B],
                                                        "http://127.0.0.1:8080")
    assert again.request_timeout == (3.0, 7.0)
    # The default base is the real API.
    assert apprise.Apprise.instantiate(f"zalo://{TOKEN}/{USER_A}").notify_url == (
        "https://openapi.zalo.me/v3.0/oa/message/cs")


def test_the_token_may_be_a_query_value_and_bad_user_ids_are_refused(tmp_path: Path) -> None:
    plugin = apprise.Apprise.instantiate(f"zalo://{USER_A}?token={TOKEN}&to={USER_B},{USER_C}")
    assert plugin is not None and plugin.token == TOKEN
    assert plugin.targets == [USER_A, USER_B, USER_C]
    assert apprise.Apprise.instantiate(f"zalo://{TOKEN}") is None  # no user id
    # The token pasted where a user id goes: the configuration is refused when loaded,
    # and the error names the URL without the token.
    config = tmp_path / "apprise.yaml"
    config.write_text("urls:\n  - \"zalo://${ZALO_OA_TOKEN}/${ZALO_OA_TOKEN}\":\n"
                      "      - tag: PVHTT\n", encoding="utf-8")
    with pytest.raises(notify.ConfigError) as refused:
        notify.load_targets(config, env={"ZALO_OA_TOKEN": TOKEN})
    assert "zalo://" in str(refused.value) and "digits" in str(refused.value)
    assert TOKEN not in str(refused.value)


def test_a_silent_server_fails_within_the_read_timeout() -> None:
    # A socket that listens but never answers: the request is sent, no reply comes.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        started = time.monotonic()
        ok = instantiate(
            f"zalo://{TOKEN}/{USER_A}?base=http://127.0.0.1:{port}&rto=0.5&cto=0.5").notify(
            body="Nội dung")
        elapsed = time.monotonic() - started
    assert ok is False
    assert elapsed < 3.0


def test_a_yaml_configuration_routes_a_unit_to_zalo(tmp_path: Path) -> None:
    with ZaloApi(TOKEN) as api:
        config = tmp_path / "apprise.yaml"
        config.write_text(
            "version: 1\n"
            "urls:\n"
            f"  - \"zalo://${{ZALO_OA_TOKEN}}/{USER_A}?base={api.base}\":\n"
            "      - tag: XA-TIEN-A\n", encoding="utf-8")
        targets = notify.load_targets(config, env={"ZALO_OA_TOKEN": TOKEN})
        assert targets.routed("XA-TIEN-A")
        (endpoint,) = targets.for_unit("XA-TIEN-A")
        result = notify.send(endpoint, message("Đề nghị UBND xã Tiên A báo cáo.",
                                               subject="Nhắc việc", unit="XA-TIEN-A"), targets)
    assert result.ok is True, result.error
    assert api.violations == []
    assert api.texts(USER_A) == ["Nhắc việc\n\nĐề nghị UBND xã Tiên A báo cáo."]
    # What dondoc shows or stores about this endpoint carries no token.
    assert TOKEN not in endpoint.label and TOKEN not in endpoint.channel
    assert TOKEN in targets.secrets
    assert targets.mask(f"failed: {endpoint.plugin.url()}") is not None
    assert TOKEN not in (targets.mask(f"failed: {endpoint.plugin.url()}") or "")


def test_dondocs_overall_deadline_ends_a_trickling_answer(tmp_path: Path) -> None:
    # Each byte arrives within the read timeout, so only dondoc's deadline (which closes
    # the sockets a send opened) can end it: the plugin must use Apprise's HTTP stack.
    from tests.remind_servers import TrickleServer

    with TrickleServer(every=0.2) as trickle:
        config = tmp_path / "apprise.yaml"
        config.write_text(
            "urls:\n"
            f"  - \"zalo://${{ZALO_OA_TOKEN}}/{USER_A}?base=http://127.0.0.1:{trickle.port}\":\n"
            "      - tag: PVHTT\n", encoding="utf-8")
        targets = notify.load_targets(config, env={"ZALO_OA_TOKEN": TOKEN})
        (endpoint,) = targets.for_unit("PVHTT")
        result = notify.send(endpoint, message("Nội dung"), targets, deadline=1.0)
    assert result.ok is False
    assert result.ms < 4000
    assert result.error is not None and "deadline" in result.error
    assert TOKEN not in result.error


def test_the_token_may_be_a_yaml_option_of_the_entry(tmp_path: Path) -> None:
    with ZaloApi(TOKEN) as api:
        config = tmp_path / "apprise.yaml"
        config.write_text(
            "urls:\n"
            f"  - \"zalo://{USER_A}/{USER_C}?base={api.base}\":\n"
            "      - tag: PVHTT\n"
            "        token: ${ZALO_OA_TOKEN}\n", encoding="utf-8")
        targets = notify.load_targets(config, env={"ZALO_OA_TOKEN": TOKEN})
        (endpoint,) = targets.for_unit("PVHTT")
        result = notify.send(endpoint, message("Nội dung nhắc việc."), targets)
    assert result.ok is True, result.error
    assert api.violations == []
    assert [m.user_id for m in api.messages] == [USER_A, USER_C]
    assert TOKEN in targets.secrets and TOKEN not in endpoint.label
