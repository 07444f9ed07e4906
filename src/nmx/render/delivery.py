"""What `nmx remind --send` did, unit by unit, and the summary line: text or JSON."""

from __future__ import annotations

from nmx.i18n import t
from nmx.render.formats import Format
from nmx.views.remind import SendReport


def render_text(report: SendReport) -> str:
    lines = []
    for o in report.outcomes:
        if o.webhook is None:
            lines.append(t("rm:report_no_webhook", unit=o.department))
        elif o.ok:
            lines.append(t("rm:report_sent", unit=o.department, n=o.sent, webhook=o.webhook))
        else:
            lines.append(t("rm:report_failed", unit=o.department, sent=o.sent, n=o.bodies, webhook=o.webhook,
                           error=o.error or ""))
    count, failed = len(report.outcomes), len(report.failed)
    lines.append(t("rm:report_summary", delivered=count - failed, count=count, sent=report.sent, failed=failed))
    return "\n".join(lines) + "\n"


def render_json(report: SendReport) -> str:
    from nmx.render.tabular import to_json

    return to_json(report.document())


RENDERERS = {Format.TEXT: render_text, Format.JSON: render_json}
