"""Zalo Official Account messages: an Apprise plugin of ours, `zalo://`.

    zalo://{access_token}/{user_id}[/{user_id}...][?base=https://openapi.zalo.me]

Each user id (a follower of the OA) receives one customer-service text message
(Zalo OA Open API v3: POST {base}/v3.0/oa/message/cs). The OA access token travels in
the `access_token` header, never in the request URL, so an HTTP error or a socket error
that names the URL cannot carry it; `url(privacy=True)` shows it as `****`.

Zalo answers HTTP 200 even when it refuses a message: success is `"error": 0` in the JSON
reply, anything else is a failed send whose log line carries Zalo's code and message
(e.g. -216 invalid access token, -213 the user does not follow the OA or the interaction
window has closed).

A text holds at most 2000 characters: a longer message is cut into parts, at line ends
where possible, and the parts go out in order. The title is written above the body
("title\\n\\nbody"), as Zalo messages have no subject.

The usual Apprise options apply (cto/rto timeouts, verify, ...); `?token=` and `?to=` are
accepted too, and `zalo://{user_id}` with `token:` as an option of the YAML entry.
"""

from __future__ import annotations

import re
from typing import Any

import requests
from apprise import NotifyBase, NotifyType
from apprise.apprise import N_MGR
from apprise.url import PrivacyMode

SCHEMA = "zalo"
DEFAULT_BASE = "https://openapi.zalo.me"
MESSAGE_PATH = "/v3.0/oa/message/cs"
TEXT_LIMIT = 2000
# Zalo user ids are decimal strings; anything else is a mistake in the configuration
# (often the token pasted in the wrong place), better refused when it is loaded.
_USER_ID = re.compile(r"[0-9]{1,40}")
_BASE = re.compile(r"https?://[^/\s?#]+(?:/[^\s?#]*)?")
_TARGET_DELIM = re.compile(r"[\s,/]+")
# How much of Zalo's own error message goes into the log line (it is server text).
_REPLY_CHARS = 200


def _utf16_len(text: str) -> int:
    # Zalo's limit is counted by a JavaScript-style length; a character outside the
    # Basic Multilingual Plane (an emoji) counts twice there.
    return len(text.encode("utf-16-le")) // 2


def _fit(text: str, limit: int) -> int:
    """The largest index i such that text[:i] is within limit (UTF-16 units)."""
    used = 0
    for i, ch in enumerate(text):
        used += 2 if ord(ch) > 0xFFFF else 1
        if used > limit:
            return i
    return len(text)


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """text in parts of at most `limit` characters, cut at a line end where possible,
    else at a space, else anywhere; the line end or space cut at is dropped."""
    parts: list[str] = []
    rest = text.strip("\r\n")
    while rest:
        if _utf16_len(rest) <= limit:
            parts.append(rest)
            break
        end = _fit(rest, limit)
        cut = rest.rfind("\n", 0, end + 1)
        if cut <= 0:
            cut = rest.rfind(" ", 0, end + 1)
        if cut <= 0:
            part, rest = rest[:end], rest[end:]
        else:
            part, rest = rest[:cut], rest[cut + 1:]
        part = part.rstrip("\r\n")
        if part.strip():
            parts.append(part)
        rest = rest.lstrip("\r\n")
    return parts


class NotifyZalo(NotifyBase):  # type: ignore[misc]
    service_name = "Zalo Official Account"
    service_url = "https://oa.zalo.me/"
    protocol = ()
    secure_protocol = SCHEMA
    setup_url = ("https://developers.zalo.me/docs/official-account/bat-dau/"
                 "xac-thuc-va-uy-quyen-cho-ung-dung-new")
    # The part limit is ours to apply (at line ends), so Apprise passes text through
    # (overflow "upstream"); body_maxlen only describes the service.
    body_maxlen = TEXT_LIMIT
    # Zalo meters an OA by daily quotas, not by a per-second pace: Apprise's default
    # 5.5 s between requests would hold the parts of one long message for half a minute.
    request_rate_per_sec = 0.2
    title_maxlen = 250
    templates = ("{schema}://{token}/{targets}",)
    template_tokens = dict(NotifyBase.template_tokens, **{
        "token": {"name": "OA Access Token", "type": "string", "private": True,
                  "required": True},
        "target_user": {"name": "Follower User ID", "type": "string", "map_to": "targets"},
        "targets": {"name": "Targets", "type": "list:string", "required": True},
    })
    template_args = dict(NotifyBase.template_args, **{
        "to": {"alias_of": "targets"},
        "token": {"alias_of": "token"},
        "base": {"name": "API Base URL", "type": "string", "default": DEFAULT_BASE},
    })

    def __init__(self, token: str | None = None, targets: Any = None,
                 base: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        token = (token or "").strip()
        if not token or any(ch.isspace() or ord(ch) < 32 for ch in token):
            # Never echo the value: it is the secret.
            msg = "A Zalo OA access token is required (and holds no spaces)."
            self.logger.warning(msg)
            raise TypeError(msg)
        self.token = token
        ids = [t for t in (targets if isinstance(targets, list)
                           else _TARGET_DELIM.split(targets or "")) if t]
        bad = [t for t in ids if not _USER_ID.fullmatch(t)]
        if bad or not ids:
            # The values are not echoed: a token pasted in the wrong place would leak.
            msg = (f"Zalo user ids are digits; {len(bad)} value(s) given are not."
                   if bad else "No Zalo user id was given.")
            self.logger.warning(msg)
            raise TypeError(msg)
        # One message per follower, each once, in the order written.
        self.targets = list(dict.fromkeys(ids))
        base = (base or DEFAULT_BASE).strip().rstrip("/")
        if not _BASE.fullmatch(base):
            msg = "The Zalo API base must be an http(s) URL (base=https://openapi.zalo.me)."
            self.logger.warning(msg)
            raise TypeError(msg)
        self.base = base

    @property
    def notify_url(self) -> str:
        return f"{self.base}{MESSAGE_PATH}"

    def __len__(self) -> int:
        return len(self.targets)

    @property
    def url_identifier(self) -> tuple[str, str, str]:
        return (SCHEMA, self.token, self.base)

    def url(self, privacy: bool = False, *args: Any, **kwargs: Any) -> str:
        params = self.url_parameters(privacy=privacy, *args, **kwargs)
        if self.base != DEFAULT_BASE:
            params["base"] = self.base
        # User ids are shown in full: they are not credentials, and an operator needs
        # them to see which follower a failed send was for.
        return "{schema}://{token}/{targets}{query}".format(
            schema=SCHEMA,
            token=self.pprint(self.token, privacy, mode=PrivacyMode.Secret, safe=""),
            targets="/".join(self.quote(t, safe="") for t in self.targets),
            query=f"?{self.urlencode(params)}" if params else "",
        )

    @staticmethod
    def parse_url(url: str) -> dict[str, Any] | None:
        results = NotifyBase.parse_url(url, verify_host=False)
        if not results:
            return results
        qsd = results["qsd"]
        targets = NotifyZalo.split_path(results["fullpath"])
        host = NotifyZalo.unquote(results.get("host") or "")
        if qsd.get("token"):
            # Token given as a query value: the host, if any, is a user id.
            results["token"] = NotifyZalo.unquote(qsd["token"])
            if host:
                targets.insert(0, host)
        elif _USER_ID.fullmatch(host):
            # zalo://{user_id} with the token as a YAML option (`token: ${ZALO_OA_TOKEN}`),
            # which Apprise adds after parsing; an OA token is never all digits.
            targets.insert(0, host)
        else:
            results["token"] = host
        if qsd.get("to"):
            targets += [t for t in _TARGET_DELIM.split(NotifyZalo.unquote(qsd["to"])) if t]
        results["targets"] = targets
        if qsd.get("base"):
            results["base"] = NotifyZalo.unquote(qsd["base"])
        return results

    def send(self, body: str, title: str = "", notify_type: NotifyType = NotifyType.INFO,
             **kwargs: Any) -> bool:
        text = f"{title.strip()}\n\n{body}" if title and title.strip() else body
        parts = split_text(text or "")
        if not parts:
            self.logger.warning("Zalo: nothing to send (empty message).")
            return False
        headers = {"User-Agent": self.app_id, "Content-Type": "application/json",
                   "access_token": self.token}
        ok = True
        for user in self.targets:
            for number, part in enumerate(parts, start=1):
                where = f"user {user}" + (f" (part {number}/{len(parts)})"
                                          if len(parts) > 1 else "")
                if not self._post(headers, user, part, where):
                    ok = False
                    # The rest would read out of context without the part that failed.
                    break
        return ok

    def _post(self, headers: dict[str, str], user: str, text: str, where: str) -> bool:
        payload = {"recipient": {"user_id": user}, "message": {"text": text}}
        self.logger.debug(f"Zalo POST {self.notify_url} for {where}")
        # Throttle before each request, as every Apprise plugin does (dondoc sets the
        # rate to 0; a plain Apprise user keeps the default pace).
        self.throttle()
        try:
            reply = requests.post(
                self.notify_url, json=payload, headers=headers,
                verify=self.verify_certificate, timeout=self.request_timeout,
                allow_redirects=False)
        except requests.RequestException as exc:
            self.logger.warning(f"Zalo: connection error sending to {where}: "
                                f"{type(exc).__name__}")
            self.logger.debug(f"Socket Exception: {self._clean(str(exc))}")
            return False
        if reply.status_code != requests.codes.ok:
            status = NotifyZalo.http_response_code_lookup(reply.status_code)
            self.logger.warning(f"Zalo: HTTP {reply.status_code}"
                                f"{' ' + status if status else ''} sending to {where}.")
            return False
        try:
            answer = reply.json()
        except ValueError:
            answer = None
        if not isinstance(answer, dict) or "error" not in answer:
            self.logger.warning(f"Zalo: unexpected answer (not the API's JSON) for {where}.")
            return False
        if answer.get("error") != 0:
            said = self._clean(str(answer.get("message") or ""))[:_REPLY_CHARS]
            self.logger.warning(f"Zalo refused the message to {where}: "
                                f"error {answer.get('error')}: {said}")
            return False
        self.logger.info(f"Sent Zalo message to {where}.")
        return True

    def _clean(self, text: str) -> str:
        # Server and library text is not ours: if it ever echoes the token, hide it.
        return text.replace(self.token, "****")


def register() -> None:
    """Make `zalo://` known to Apprise (once per process); call where Apprise is set up."""
    if SCHEMA not in N_MGR:
        N_MGR.add(NotifyZalo, schemas=SCHEMA)


register()
