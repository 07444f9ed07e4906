"""`nmx remind`: each unit's due-soon and overdue items as a message (text, md, JSON, the 企业微信
and 钉钉 robots' bodies), split under the robots' limits, and posted to a real HTTP server on
127.0.0.1 — with retries, a rate limiter on a fake clock, and the webhook key never shown."""

from __future__ import annotations

import datetime as dt
import json
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from nmx import __version__

GOLDEN = Path(__file__).resolve().parent / "golden"
TODAY = ("--today", "2023-06-05")
SECRET = "SECRET123"
PROXIES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


# --- the messages -----------------------------------------------------------------------------
def test_wecom_bodies_are_the_golden_ones(run):
    result = run("remind", *TODAY, "--format", "wecom")
    assert result.exit_code == 0, result.output
    assert result.stdout == (GOLDEN / "remind_wecom_2023-06-05.jsonl").read_text(encoding="utf-8")
    bodies = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(bodies) == 26 and all(list(b) == ["msgtype", "markdown"] and b["msgtype"] == "markdown" for b in bodies)
    assert all(len(b["markdown"]["content"].encode("utf-8")) <= 4096 for b in bodies)
    titles = [b["markdown"]["content"].split("\n", 1)[0] for b in bodies]
    assert titles[0] == "### 暖民心行动提醒：市委宣传部" and titles[-1] == "### 暖民心行动提醒：中国联通六安分公司"


def test_the_text_message_of_one_unit(run):
    result = run("remind", *TODAY, "--dept", "金安区")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "暖民心行动提醒：金安区人民政府",
        "截至 2023-06-05：3 个工作日内到期 1 项，逾期未完成 3 项。",
        "",
        "即将到期（3 个工作日内）",
        "- 截止 2023-06-07：M2/report 归纳总结，形成书面报告报送市发改委；依据方案四（二）",
        "",
        "逾期未完成",
        "- 截止 2023-02-28，已逾期 97 天：M2/focus 策划开展主题宣传活动；依据方案四（二）",
        "- 截止 2023-03-07，已逾期 90 天：M2/report 归纳总结，形成书面报告报送市发改委；依据方案四（二）",
        "- 截止 2023-05-31，已逾期 5 天：M2/focus 策划开展主题宣传活动；依据方案四（二）",
        "",
        "依据《六安市2023年暖民心行动宣传方案》（六民生办〔2023〕3号）。如已完成，请确认已登记完成情况。",
    ]
    assert result.stderr == ""


def test_the_last_working_day_and_a_quota(run):
    out = run("remind", "--today", "2023-04-26", "--days", "5", "--dept", "皖西日报社", "--lang", "en").stdout
    assert ("- due 2023-04-30 (last working day 2023-04-28): M3/special_reports 完成暖民心行动专题报道 (0/2 done); "
            "plan clause 四（三）") in out
    assert "due 2023-01-31, 85 days overdue" in out


def test_markdown_and_dingtalk_carry_the_same_markdown(run):
    md = run("remind", *TODAY, "--dept", "皖西日报社", "--format", "md").stdout
    assert md.startswith("### 暖民心行动提醒：皖西日报社\n截至 2023-06-05：")
    assert "\n**逾期未完成**\n- 截止 2023-01-31，已逾期 125 天：M3/special_reports " in md  # `_` inside a word: no escape
    ding = run("remind", *TODAY, "--dept", "皖西日报社", "--format", "dingtalk").stdout
    body = json.loads(ding)
    assert list(body["markdown"]) == ["title", "text"] and body["markdown"]["title"] == "暖民心行动提醒：皖西日报社"
    assert body["markdown"]["text"] + "\n" == md
    assert ding.count("\n") == 1 and "\\u" not in ding  # one compact line, UTF-8


def test_json_is_remind_1_with_status_records(run):
    result = run("remind", *TODAY, "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert list(doc)[:2] == ["nmx", "kind"] and doc["nmx"] == __version__ and doc["kind"] == "remind/1"
    assert list(doc) == ["nmx", "kind", "today", "days", "plan", "count", "units", "period_note", "calendar_note"]
    assert doc["plan"]["doc_number"] == "六民生办〔2023〕3号" and doc["count"] == len(doc["units"]) == 26
    status = json.loads(run("status", "--today", "2023-06-05", "--month", "2023-06", "-f", "json").stdout)["items"][0]
    jinan = next(u for u in doc["units"] if u["unit"] == "jinan")
    assert list(jinan) == ["department", "unit", "full_name", "due_soon", "overdue"]
    soon, late = jinan["due_soon"][0], jinan["overdue"][0]
    assert list(soon) == list(status) + ["name", "label", "deliver_to", "source"]
    assert list(late) == list(soon) + ["days_overdue"]
    assert (soon["name"], soon["state"], soon["due"], soon["deliver_to"]) == ("M2/report", "due_soon", "2023-06-07", "市发改委")
    assert (late["name"], late["state"], late["days_overdue"]) == ("M2/focus", "overdue", 97)


def test_dept_filters_and_a_unit_with_nothing_gets_no_message(run):
    doc = json.loads(run("remind", *TODAY, "--dept", "jtysj", "-f", "json").stdout)
    assert [u["department"] for u in doc["units"]] == ["市交通运输局"]
    result = run("remind", *TODAY, "--dept", "市民生办")
    assert result.exit_code == 0 and result.stdout == ""
    assert "没有单位有 3 个工作日内到期或已逾期的未完成事项" in result.stderr
    empty = run("remind", "--today", "2023-01-01", "-f", "json")
    assert empty.exit_code == 0 and json.loads(empty.stdout)["units"] == []  # scripts still get their document
    assert run("remind", *TODAY, "--dept", "无此单位").exit_code == 2


def test_days_widens_the_window(run):
    three = json.loads(run("remind", "--today", "2023-06-01", "--dept", "金安区", "-f", "json").stdout)["units"][0]
    four = json.loads(run("remind", "--today", "2023-06-01", "--days", "4", "--dept", "金安区", "-f", "json").stdout)
    assert [i["due"] for i in three["due_soon"]] == []  # 06-07 is four working days after 06-01
    assert [i["due"] for i in four["units"][0]["due_soon"]] == ["2023-06-07"]


# --- splitting under the robots' limits -------------------------------------------------------
def _long(n: int, what: str = "归纳总结，形成书面报告（第{i}期）"):
    from nmx.views.remind import Reminders, UnitReminder

    item = {"name": "M2/report", "what": "", "due": "2023-06-07", "due_workday": "2023-06-07", "required": 1,
            "done": 0, "deliver_to": "市发改委", "source": "四（二）"}
    soon = [{**item, "what": what.format(i=i)} for i in range(n)]
    late = [{**item, "what": what.format(i=i), "days_overdue": i} for i in range(n)]
    unit = UnitReminder("jinan", "金安区人民政府", "六安市金安区人民政府", soon, late)
    return Reminders(dt.date(2023, 6, 5), 3, "六民生办〔2023〕3号", "方案", "市民生办", [unit]), unit


def test_a_long_message_is_split_between_lines_under_4096_bytes():
    from nmx.render.remind import bodies, message_lines

    r, unit = _long(120)
    lines = message_lines(r, unit, md=True)
    parts = bodies(r, unit, "wecom")
    assert len(parts) > 2
    contents = [p["markdown"]["content"] for p in parts]
    assert all(len(c.encode("utf-8")) <= 4096 for c in contents)
    assert max(len(c.encode("utf-8")) for c in contents) > 3900  # filled, not cut early
    n = len(parts)
    assert [c.split("\n", 1)[0] for c in contents] == [f"{lines[0]}（{k}/{n}）" for k in range(1, n + 1)]
    rest = [ln for c in contents for ln in c.split("\n")[1:]]
    assert rest == [ln for ln in lines[1:]]  # every line once, whole, in order (a break point's blank dropped)
    assert all(c.split("\n")[1].strip() for c in contents)  # no part starts with a blank line


def test_dingtalk_bodies_stay_under_20000_bytes_as_posted():
    from nmx.render.remind import bodies, body_bytes

    r, unit = _long(400, 'say "{i}" \\ 报告')  # quotes and backslashes grow in JSON
    parts = bodies(r, unit, "dingtalk")
    sizes = [len(body_bytes(p)) for p in parts]
    assert len(parts) > 1 and all(s <= 20000 for s in sizes) and max(sizes) > 19000
    assert [p["markdown"]["title"] for p in parts][-1] == f"暖民心行动提醒：金安区人民政府（{len(parts)}/{len(parts)}）"


def test_a_line_alone_over_the_budget_is_cut_between_characters_only():
    from nmx.render.remind import split_lines

    def cost(s):
        return len(s.encode("utf-8"))

    parts = split_lines(["短", "汉" * 10, "", "尾"], 12, cost, 1)
    assert parts == [["短"], ["汉汉汉汉"], ["汉汉汉汉"], ["汉汉", "", "尾"]]
    assert all(sum(map(cost, p)) + len(p) - 1 <= 12 for p in parts)


def test_markup_in_the_data_stays_text():
    from nmx.render.remind import _md

    assert _md("<@all> **x** [a](b) `c` snake_case _x_") == \
        r"&lt;@all&gt; \*\*x\*\* \[a\](b) \`c\` snake_case \_x\_"


# --- the rate limiter ---------------------------------------------------------------------------
class FakeTime:
    def __init__(self) -> None:
        self.now, self.sleeps = 0.0, []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_21_messages_in_a_minute_wait_once_for_the_oldest():
    from nmx.handouts.robots import Limiter

    time = FakeTime()
    limiter = Limiter(clock=time.clock, sleep=time.sleep)
    for _ in range(20):
        limiter.acquire("hook")
        time.now += 1.5  # each post takes 1.5 s
    assert time.sleeps == []
    limiter.acquire("hook")
    assert time.sleeps == [pytest.approx(60 - 30)]  # the first left the window at t=60, it is t=30
    limiter.acquire("other hook")  # each webhook its own window
    assert len(time.sleeps) == 1


def test_the_limiter_sleeps_only_when_needed():
    from nmx.handouts.robots import Limiter

    time = FakeTime()
    limiter = Limiter(clock=time.clock, sleep=time.sleep)
    for _ in range(100):
        limiter.acquire("hook")
        time.now += 3.0  # 20 a minute exactly: never too soon
    assert time.sleeps == []


# --- the key never shown -----------------------------------------------------------------------
@pytest.mark.parametrize("url, shown, secret", [
    ("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=SECRET123",
     "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=***", "SECRET123"),
    ("https://oapi.dingtalk.com/robot/send?access_token=SECRET123&timestamp=1690000000000&sign=abc%2Bdef",
     "https://oapi.dingtalk.com/robot/send?access_token=***&timestamp=***&sign=***", "abc+def"),
    ("http://user:SECRET123@example.org/hook?KEY=SECRET123#x", "http://***@example.org/hook?KEY=***#x", "SECRET123"),
    ("https://u:pa@SECRET123@example.org/", "https://***@example.org/", "pa@SECRET123"),  # the authority's last @
])
def test_redacted_urls(url, shown, secret):
    from nmx.handouts.robots import redact, redact_url

    assert redact_url(url) == shown
    text = redact(f"failed: {url!r}; <urlopen error {secret}> (percent-decoded) {secret}", [url])
    assert secret not in text and "SECRET123" not in text


# --- sending to a real server on 127.0.0.1 ----------------------------------------------------------
ANSWERS = {
    "ok": (200, {"errcode": 0, "errmsg": "ok"}),
    "500": (500, {"errcode": -1}),
    "limited": (200, {"errcode": 45009, "errmsg": "api freq out of limit"}),
    "refused": (200, {"errcode": 93000, "errmsg": f"invalid webhook url, key={SECRET} hint: [x]"}),
}


@contextmanager
def robot(answer: str):
    """A robot on 127.0.0.1 (port 0): its URL (with key=SECRET123) and the requests it got."""
    requests: list[tuple[str, bytes]] = []
    release = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            requests.append((self.path, self.rfile.read(int(self.headers.get("Content-Length", 0)))))
            if answer == "hang":
                release.wait(30)
                return
            status, doc = ANSWERS[answer]
            payload = json.dumps(doc).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/cgi-bin/webhook/send?key={SECRET}", requests
    finally:
        release.set()
        server.shutdown()
        server.server_close()
        thread.join(10)


@pytest.fixture
def fake_time(monkeypatch) -> FakeTime:
    """The robots module's clock and sleep, faked: retries and the rate limit never really wait."""
    from nmx.handouts import robots

    time = FakeTime()
    monkeypatch.setattr(robots, "CLOCK", time.clock)
    monkeypatch.setattr(robots, "SLEEP", time.sleep)
    for name in PROXIES:  # 127.0.0.1 is reached directly, whatever the shell's proxy
        monkeypatch.delenv(name, raising=False)
    return time


def _no_secret(result) -> None:
    assert SECRET not in result.stdout and SECRET not in result.stderr, result.output


def test_sent_bodies_are_the_printed_bodies(run, fake_time):
    printed = run("remind", *TODAY, "--format", "wecom").stdout.encode("utf-8").splitlines()
    with robot("ok") as (url, requests):
        result = run("remind", *TODAY, "--format", "wecom", "--send", url)
    assert result.exit_code == 0, result.output
    assert [body for _, body in requests] == printed and len(printed) == 26
    assert {path for path, _ in requests} == {f"/cgi-bin/webhook/send?key={SECRET}"}
    assert fake_time.sleeps == [60.0]  # the 21st post to one robot waits for the minute to pass
    assert "每个机器人每分钟最多 20 条消息：等待 60 秒后继续发送" in result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "市委宣传部：已发送 1 条 → http://127.0.0.1:{}/cgi-bin/webhook/send?key=***".format(url.split(":")[2].split("/")[0])
    assert lines[-1] == "已送达 26/26 个单位（共发送 26 条消息），未送达 0 个"
    _no_secret(result)


def test_a_server_error_is_retried_three_times_then_reported(run, fake_time):
    with robot("500") as (url, requests):
        result = run("remind", *TODAY, "--format", "wecom", "--send", url)
    assert result.exit_code == 1, result.output
    assert len(requests) == 3  # the first unit's body, three times; the rest not tried on a failing webhook
    assert fake_time.sleeps == [1.0, 2.0]
    lines = result.stdout.splitlines()
    assert lines[0].startswith("市委宣传部：未送达（已发送 0/1 条）→ http://127.0.0.1:") and lines[0].endswith(
        "key=***：HTTP 500（共试 3 次）")
    assert "未尝试：同一 webhook 此前已失败" in lines[1]
    assert lines[-1] == "已送达 0/26 个单位（共发送 0 条消息），未送达 26 个"
    _no_secret(result)


def test_a_robot_that_never_answers_times_out(run, fake_time):
    with robot("hang") as (url, requests):
        result = run("remind", *TODAY, "--dept", "金安区", "--format", "wecom", "--timeout", "0.5", "--send", url)
    assert result.exit_code == 1, result.output
    assert len(requests) == 3
    assert "金安区人民政府：未送达（已发送 0/1 条）" in result.stdout and "0.5 秒内没有应答（共试 3 次）" in result.stdout
    _no_secret(result)


def test_an_errcode_is_a_failure_with_its_errmsg_redacted(run, fake_time):
    with robot("refused") as (url, requests):
        result = run("remind", *TODAY, "--dept", "金安区", "--format", "wecom", "--send", url)
    assert result.exit_code == 1 and len(requests) == 1  # the robot refused the body: no retry
    assert "机器人返回 errcode 93000：invalid webhook url, key=*** hint: [x]（共试 1 次）" in result.stdout
    _no_secret(result)


def test_a_rate_limit_answer_waits_a_window_before_each_retry(run, fake_time):
    with robot("limited") as (url, requests):
        result = run("remind", *TODAY, "--dept", "金安区", "--format", "wecom", "--send", url)
    assert result.exit_code == 1 and len(requests) == 3
    assert fake_time.sleeps == [60.0, 60.0] and "errcode 45009" in result.stdout
    _no_secret(result)


def test_the_json_report_of_a_send(run, fake_time, monkeypatch):
    from nmx.handouts import robots

    monkeypatch.setitem(robots.HOSTS, "127.0.0.1", "dingtalk")  # as if it were oapi.dingtalk.com
    with robot("ok") as (url, requests):
        result = run("remind", *TODAY, "--dept", "金安区", "--format", "json", "--send", url)
    assert result.exit_code == 0, result.output
    assert json.loads(requests[0][1])["markdown"]["title"] == "暖民心行动提醒：金安区人民政府"
    doc = json.loads(result.stdout)
    assert list(doc) == ["nmx", "kind", "today", "count", "delivered", "failed", "sent", "units"]
    assert doc["kind"] == "remind-send/1" and (doc["count"], doc["delivered"], doc["failed"], doc["sent"]) == (1, 1, 0, 1)
    assert list(doc["units"][0]) == ["department", "unit", "webhook", "robot", "bodies", "sent", "attempts", "ok", "error"]
    assert doc["units"][0]["webhook"].endswith("?key=***") and doc["units"][0]["robot"] == "dingtalk"
    _no_secret(result)


@pytest.mark.parametrize("args, says", [
    (("--send", f"ftp://example.org/?key={SECRET}"), "必须以 http:// 或 https:// 开头"),
    (("--send", "javascript:alert(1)"), "必须以 http:// 或 https:// 开头"),
    (("--send", f"http://127.0.0.1:9/?key={SECRET}"), "不知道 127.0.0.1 是哪种机器人"),
    (("--send", f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={SECRET}", "-f", "dingtalk"),
     "是企业微信机器人的地址，不能发送 --format dingtalk"),
    (("--send", "http://a.example/", "--webhooks", "w.yaml"), "只能选一个"),
    (("--send", "http://a.example/", "--timeout", "nan"), "--timeout 必须是"),
])
def test_what_cannot_be_sent_is_a_usage_error_before_any_work(run, fake_time, args, says):
    result = run("remind", *TODAY, *args)
    assert result.exit_code == 2, result.output
    assert says in result.stderr and "Traceback" not in result.output
    _no_secret(result)


# --- the webhooks file ------------------------------------------------------------------------------
def test_each_unit_to_its_own_webhook_and_units_without_one_listed(run, fake_time, tmp_path):
    with robot("ok") as (url, requests):
        hooks = tmp_path / "hooks.yaml"
        hooks.write_text(f"金安区: {url}\njtysj: '{url}&unit=2'\n", encoding="utf-8")
        hooks.chmod(0o600)
        result = run("remind", *TODAY, "--webhooks", str(hooks), "--format", "wecom")
    assert result.exit_code == 1, result.output  # 24 units had no webhook: not delivered
    base = f"/cgi-bin/webhook/send?key={SECRET}"
    assert [path for path, _ in requests] == [base + "&unit=2", base]  # plan order: 市交通运输局, then 金安区
    lines = result.stdout.splitlines()
    assert "市交通运输局：已发送 1 条 → " in result.stdout and "金安区人民政府：已发送 1 条 → " in result.stdout
    assert "市委宣传部：未发送：webhooks 文件中没有这个单位的地址" in lines
    assert lines[-1] == "已送达 2/26 个单位（共发送 2 条消息），未送达 24 个"
    assert "警告" not in result.stderr  # mode 600: nothing to say
    _no_secret(result)
    again = run("remind", *TODAY, "--webhooks", str(hooks), "-f", "wecom", "-o", str(hooks))
    assert again.exit_code == 2 and hooks.read_text(encoding="utf-8").startswith("金安区: ")  # never replaced


def test_the_default_webhooks_file_in_the_config_folder(run, fake_time, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    from nmx.handouts.webhooks import default_path

    assert default_path() == tmp_path / "config" / "nmx" / "webhooks.yaml"
    missing = run("remind", *TODAY, "--send", "units", "--format", "wecom")
    assert missing.exit_code == 2 and "webhooks.yaml" in missing.stderr
    default_path().parent.mkdir(parents=True)
    with robot("ok") as (url, requests):
        default_path().write_text(f"金安区人民政府: {url}\n", encoding="utf-8")
        default_path().chmod(0o644)
        result = run("remind", *TODAY, "--dept", "金安区", "--send", "units", "--format", "wecom")
    assert result.exit_code == 0, result.output
    assert len(requests) == 1 and "其他用户可读（权限 644）：建议 chmod 600" in result.stderr
    _no_secret(result)


def test_a_webhooks_file_inside_the_plan_folder_is_refused(run, plan_copy, tmp_path):
    inside = plan_copy / "webhooks.yaml"
    inside.write_text(f"金安区: https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={SECRET}\n", encoding="utf-8")
    result = run("remind", *TODAY, "--data", str(plan_copy), "--webhooks", str(inside))
    assert result.exit_code == 2, result.output
    assert "在方案目录" in result.stderr and "webhook 的 key 不能放进方案" in result.stderr
    link = tmp_path / "link.yaml"
    link.symlink_to(inside)  # a link from outside into the plan: refused too
    assert run("remind", *TODAY, "--data", str(plan_copy), "--webhooks", str(link)).exit_code == 2
    _no_secret(result)


@pytest.mark.parametrize("text, says", [
    ("- 金安区\n- https://x.example/\n", "1:1: error [structure] 文件顶层必须是映射"),
    (f"金安区: ftp://x.example/?key={SECRET}\n", "1:1: error [bad-url] 单位“金安区”的地址必须以 http:// 或 https:// 开头"),
    (f'金安区: "https://x.example/?key={SECRET}\\e[2J"\n', "[control-char]"),
    ("金安区: https://x.example/\u202e/\n", "[bad-url] 单位“金安区”的地址含有空白或控制字符"),
    ("金安区: 12\n", "[not-a-url] 单位“金安区”的值应是 webhook 地址（文本）"),
    ("金安区: https://a.example/\n金安区人民政府: https://b.example/\n", "2:1: error [duplicate-unit]"),
    ("各县区人民政府: https://a.example/\n", "[unit-is-group]"),
    ("无此单位: https://a.example/\n", "[unknown-unit] 找不到单位 '无此单位'"),
    ("市交通运输厅: https://a.example/\n", "（是否指：市交通运输局"),
    ("金安区: !!python/object:os.system x\n", "[tag]"),
    ("", "[empty]"),
])
def test_a_hostile_webhooks_file_gives_clear_errors(run, tmp_path, text, says):
    hooks = tmp_path / "hooks.yaml"
    hooks.write_text(text, encoding="utf-8")
    result = run("remind", *TODAY, "--webhooks", str(hooks))
    assert result.exit_code == 1, result.output
    assert says in result.stderr and "webhooks 文件" in result.stderr and "Traceback" not in result.output
    _no_secret(result)


# --- the documentation says what is emitted -----------------------------------------------------------
def _documented(kind: str) -> list[str]:
    from tests.test_docs import DOCS, _brace_keys

    text = (DOCS / "supervision.md").read_text(encoding="utf-8")
    spec = text[text.index('{"nmx","kind":"' + kind):]
    return _brace_keys(spec[:spec.index("`")].replace("\n", " "))


def test_the_documented_json_keys_are_the_emitted_ones(run, fake_time, monkeypatch):
    from nmx.handouts import robots

    assert _documented("remind/1") == list(json.loads(run("remind", *TODAY, "-f", "json").stdout))
    monkeypatch.setitem(robots.HOSTS, "127.0.0.1", "wecom")
    with robot("ok") as (url, _):
        sent = json.loads(run("remind", *TODAY, "--dept", "金安区", "-f", "json", "--send", url).stdout)
    assert _documented("remind-send/1") == list(sent)
