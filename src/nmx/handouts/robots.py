"""Posting reminders to group-chat robots: 企业微信 (WeCom) and 钉钉 (DingTalk) webhooks.

What the robots document, and what nmx does about it:

- 企业微信《群机器人配置说明》(https://developer.work.weixin.qq.com/document/path/91770, also
  https://work.weixin.qq.com/api/doc/90000/90136/91770): a markdown body is
  `{"msgtype": "markdown", "markdown": {"content": …}}`, "content … 最长不超过4096个字节，必须是
  utf8编码"; "每个机器人发送的消息不能超过20条/分钟". Over-long content is answered with errcode
  40058 ("markdown.content exceed max length 4096"), the frequency limit with errcode 45009
  ("api freq out of limit").
- 钉钉《自定义机器人接入》(https://open.dingtalk.com/document/robots/custom-robot-access): a
  markdown body is `{"msgtype": "markdown", "markdown": {"title": …, "text": …}}`; "每个机器人
  每分钟最多发送20条消息到群里，如果超过20条，会限流10分钟"; the limit is answered with errcode
  130101 ("send too fast, exceed 20 times per minute"), a body over 20000 bytes with errcode
  460101 ("message too long, exceed 20000 bytes" / "body 大小不合法；请保持大小在 20000bytes
  以内", as reported in feiyu563/PrometheusAlert#318 and timonwong/prometheus-webhook-dingtalk#30).

So: bodies are split under those sizes (`nmx.render.remind`); a limiter keeps to 20 posts per
60 s per webhook, sleeping only when the 21st would come too soon; each post has a timeout;
connection errors, timeouts, HTTP 5xx/429 and the two rate-limit errcodes are retried
(`ATTEMPTS` in all, `BACKOFF` apart; after a rate-limit answer, a whole window); an HTTP 200
whose errcode is not 0 is a failure, its errmsg shown. Redirects are not followed.

The webhook's key is its secret ("一定要保护好机器人的webhook地址"): every URL, error and
exception text that leaves this module goes through `redact` (the values of key=,
access_token=, sign=, timestamp=, secret=, token= and any user:password@ become ***).
`CLOCK` and `SLEEP` are the module's hooks: tests replace them so nothing really waits.
"""

from __future__ import annotations

import re
import time
from collections import deque
from collections.abc import Callable, Iterable

from nmx.errors import UsageError
from nmx.i18n import t
from nmx.lazyclass import dataclass
from nmx.views.remind import Outcome

HOSTS = {"qyapi.weixin.qq.com": "wecom", "oapi.dingtalk.com": "dingtalk"}
RATE_LIMIT, RATE_WINDOW = 20, 60.0      # posts per webhook per seconds, both robots
RATE_LIMITED = {45009, 130101}          # WeCom's and DingTalk's "too often" errcodes
ATTEMPTS = 3
BACKOFF = (1.0, 2.0)                    # seconds before the 2nd and the 3rd attempt
MAX_ANSWER = 64 * 1024                  # bytes of a robot's answer read
SECRET_PARAMS = ("key", "access_token", "sign", "timestamp", "secret", "token")

CLOCK: Callable[[], float] = time.monotonic
SLEEP: Callable[[float], None] = time.sleep

_PARAM = re.compile(r"(?i)\b(" + "|".join(SECRET_PARAMS) + r")=[^&#\s'\"<>]*")
_USERINFO = re.compile(r"(?i)(\b[a-z][a-z0-9+.-]*://)[^/\s?#]*@")  # up to the authority's last @


# --- the key never shown ----------------------------------------------------------------------
def redact_url(url: str) -> str:
    """`url` with its secrets as *** (the query's key=…, access_token=… values, any user:password@)."""
    return _USERINFO.sub(r"\1***@", _PARAM.sub(r"\1=***", url))


def _secrets(url: str) -> list[str]:
    from urllib.parse import parse_qsl, unquote, urlsplit

    found = []
    try:
        parts = urlsplit(url)
        found += [v for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() in SECRET_PARAMS]
        found += [p for p in (parts.username, parts.password) if p]
    except ValueError:
        pass
    found += [m.group(0).partition("=")[2] for m in _PARAM.finditer(url)]
    found += [unquote(v) for v in list(found)]
    return sorted({v for v in found if len(v) >= 3}, key=len, reverse=True)


def redact(text: str, urls: Iterable[str] = ()) -> str:
    """`text` (an error, an answer, an exception) with every secret of `urls`, and anything that
    looks like one, as ***."""
    for url in urls:
        text = text.replace(url, redact_url(url))
        for secret in _secrets(url):
            text = text.replace(secret, "***")
    return redact_url(text)


# --- which robot, which URL -------------------------------------------------------------------
def check_url(url: str, what: str) -> str | None:
    """Why `url` cannot be a webhook (http or https, a host, no space or control character), or None."""
    from urllib.parse import urlsplit

    from nmx.safetext import INVISIBLE, first_control

    if first_control(url) is not None or INVISIBLE.search(url) or any(ch.isspace() for ch in url):
        return t("rm:url_chars", what=what)
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port
    except ValueError:
        return t("rm:url_bad", what=what, url=redact_url(url))
    if parts.scheme.lower() not in ("http", "https") or not host:
        return t("rm:url_scheme", what=what, url=redact_url(url))
    return None


def robot_for(url: str, asked: str | None) -> str:
    """The body `url` takes: its host's robot (qyapi.weixin.qq.com → wecom, oapi.dingtalk.com →
    dingtalk), else the one asked for with --format; UsageError when neither says or they differ."""
    from urllib.parse import urlsplit

    host = (urlsplit(url).hostname or "").lower()
    known = HOSTS.get(host)
    if known and asked and asked != known:
        raise UsageError(t("rm:robot_mismatch", host=host, robot=t(f"rm:robot_{known}"), asked=asked))
    if known or asked:
        return known or asked  # type: ignore[return-value]
    raise UsageError(t("rm:robot_unknown", host=host), hint=t("rm:robot_unknown_hint"))


# --- at most 20 posts a minute per webhook -----------------------------------------------------
class Limiter:
    """A sliding window per webhook: the (`per`+1)th post within `window` seconds waits until the
    oldest leaves the window; nothing waits otherwise."""

    def __init__(self, per: int = RATE_LIMIT, window: float = RATE_WINDOW,
                 clock: Callable[[], float] | None = None, sleep: Callable[[float], None] | None = None,
                 on_wait: Callable[[float], None] | None = None) -> None:
        self.per, self.window = per, window
        self.clock, self.sleep = clock or CLOCK, sleep or SLEEP
        self.on_wait = on_wait
        self._sent: dict[str, deque[float]] = {}

    def acquire(self, webhook: str) -> float:
        """Wait, if needed, until a post to `webhook` keeps to the limit; count it. Returns the wait."""
        sent = self._sent.setdefault(webhook, deque())
        now = self.clock()
        while sent and now - sent[0] >= self.window:
            sent.popleft()
        waited = 0.0
        if len(sent) >= self.per:
            waited = self.window - (now - sent[0])
            if self.on_wait is not None:
                self.on_wait(waited)
            self.sleep(waited)
            now = max(self.clock(), now + waited)  # a clock that did not move: as if it had
            while sent and now - sent[0] >= self.window:
                sent.popleft()
        sent.append(now)
        return waited


# --- one post ---------------------------------------------------------------------------------
@dataclass
class Answer:
    ok: bool
    retry: bool = False         # worth another attempt (the webhook, not the body, failed)
    wait: float = 0.0           # at least this long before it (a rate-limit answer)
    reason: str = ""


def post(url: str, body: bytes, timeout: float) -> Answer:
    """POST `body` to `url` once; the robot's answer as an Answer (reasons not yet redacted)."""
    import http.client
    import urllib.error
    import urllib.request

    from nmx import __version__

    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8", "User-Agent": f"nmx/{__version__}"})
    try:
        with _opener().open(request, timeout=timeout) as answer:
            raw = answer.read(MAX_ANSWER)
    except urllib.error.HTTPError as exc:
        exc.close()
        return Answer(False, exc.code >= 500 or exc.code == 429, reason=t("rm:http_status", code=exc.code))
    except TimeoutError:
        return Answer(False, True, reason=t("rm:timed_out", s=f"{timeout:g}"))
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            return Answer(False, True, reason=t("rm:timed_out", s=f"{timeout:g}"))
        return Answer(False, True, reason=t("rm:no_connection", error=_text(exc.reason)))
    except (OSError, http.client.HTTPException) as exc:
        return Answer(False, True, reason=t("rm:no_connection", error=_text(exc)))
    except ValueError as exc:  # http.client.InvalidURL and the like: no attempt will do better
        return Answer(False, reason=t("rm:no_connection", error=_text(exc)))
    return _answer(raw)


def _opener():
    """urllib's opener without redirects: a robot answers where it is, and a moved webhook should
    be looked at, not followed with its key (a 3xx is then raised as HTTPError)."""
    import urllib.request

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    return urllib.request.build_opener(NoRedirect())


def _answer(raw: bytes) -> Answer:
    import json

    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return Answer(False, reason=t("rm:not_json"))
    code = doc.get("errcode") if isinstance(doc, dict) else None
    if code == 0:
        return Answer(True)
    message = _text(doc.get("errmsg", "")) if isinstance(doc, dict) else ""
    reason = t("rm:errcode", code=code, message=message)
    if code in RATE_LIMITED:
        return Answer(False, True, RATE_WINDOW, reason)
    return Answer(False, reason=reason)


def _text(value: object, limit: int = 200) -> str:
    """An error or an errmsg as one line of at most `limit` characters."""
    from nmx.safetext import for_terminal

    text = " ".join(for_terminal(str(value)).split()) or type(value).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- every unit's bodies ----------------------------------------------------------------------
@dataclass
class Send:
    """One unit's bodies and where they go (`url` None: the unit has no webhook)."""

    unit: str
    department: str
    url: str | None
    robot: str | None
    bodies: list[bytes]


def sends_for(found, urls: dict[str, str], asked: str | None) -> list[Send]:
    """Each unit of the reminders `found` with its webhook (`urls`: unit id → URL) and the bodies
    its robot takes, exactly as `--format wecom|dingtalk` prints them."""
    from nmx.render.remind import bodies, body_bytes

    out = []
    for u in found.units:
        url = urls.get(u.unit)
        robot = robot_for(url, asked) if url else None
        out.append(Send(u.unit, u.department, url, robot,
                        [body_bytes(b) for b in bodies(found, u, robot)] if robot else []))
    return out


def deliver(sends: list[Send], timeout: float, *, limiter: Limiter | None = None,
            on_wait: Callable[[float], None] | None = None) -> list[Outcome]:
    """Post every body, unit by unit, a unit's parts in order (a failed part ends the unit's
    message); after a webhook stops answering (connection, timeout, 5xx, rate limit) the units
    still to come on it are not tried. Every reason is redacted."""
    limiter = limiter or Limiter(on_wait=on_wait)
    urls = [s.url for s in sends if s.url]
    broken: dict[str, str] = {}
    out = []
    for s in sends:
        outcome = Outcome(s.unit, s.department, redact_url(s.url) if s.url else None, s.robot, len(s.bodies))
        out.append(outcome)
        if s.url is None:
            outcome.error = t("rm:no_webhook")
            continue
        if s.url in broken:
            outcome.error = t("rm:skipped", reason=broken[s.url])
            continue
        for body in s.bodies:
            answer, tries = _post_retried(s.url, body, timeout, limiter)
            outcome.attempts += tries
            if not answer.ok:
                outcome.error = redact(t("rm:failed_after", reason=answer.reason, n=tries), urls)
                if answer.retry:
                    broken[s.url] = redact(answer.reason, urls)
                break
            outcome.sent += 1
    return out


def _post_retried(url: str, body: bytes, timeout: float, limiter: Limiter) -> tuple[Answer, int]:
    answer = Answer(False)
    for attempt in range(ATTEMPTS):
        if attempt:
            limiter.sleep(max(BACKOFF[min(attempt, len(BACKOFF)) - 1], answer.wait))
        limiter.acquire(url)
        try:
            answer = post(url, body, timeout)
        except Exception as exc:
            raise RuntimeError(redact(f"{type(exc).__name__}: {exc}", [url])) from None
        if answer.ok or not answer.retry:
            return answer, attempt + 1
    return answer, ATTEMPTS
