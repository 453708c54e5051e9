"""The service report as a document: HTML with its charts drawn server-side by matplotlib (inline
SVG, no script, nothing fetched from elsewhere), or an XLSX workbook with the same figures and
native Excel charts. Every value that comes from data is escaped; reports hold aggregates only
(no customer ids or texts), and agent names pass through ``kefu.masking.mask_text``."""

from __future__ import annotations

import io
from html import escape
from typing import Any

from handoff.report_text import label, text
from kefu.masking import mask_text

SUMMARY = (
    "conversations", "containment_rate", "handoff_rate", "resolution_rate",
    "first_contact_resolution_rate", "complaint_rate",
)  # fmt: skip


def summary_rows(report: dict[str, Any], lang: str) -> list[tuple[str, str, str]]:
    now, before = report["figures"], report["previous"]["figures"]
    rows = [(text(lang, k), _fmt(now.get(k), k), _fmt(before.get(k), k)) for k in SUMMARY]
    for key, field in (("tickets_opened", "opened"), ("tickets_overdue", "overdue")):
        rows.append((text(lang, key), str(now["tickets"][field]), str(before["tickets"][field])))
    for key in ("followup_rate", "followup_satisfied"):
        rows.append((text(lang, key), _followup(now, key), _followup(before, key)))
    rows.append(
        (
            text(lang, "qa_average"),
            _fmt(now["qa"]["average"], ""),
            _fmt(before["qa"]["average"], ""),
        )
    )
    return rows


def _followup(figures: dict[str, Any], field: str) -> str:
    """A follow-up rate with what it is out of: "75.0% (3/4)"; "—" without any task."""
    f = figures.get("followups") or {}  # absent from a report built before it existed
    if field == "followup_rate":
        value, part, whole = f.get("followup_rate"), f.get("reached"), f.get("tasks")
    else:
        value, part, whole = f.get("satisfaction_rate"), f.get("satisfied"), f.get("reached")
    if value is None:
        return "—"
    return f"{_fmt(value, '_rate')} ({part}/{whole})"


def _fmt(value: Any, key: str) -> str:
    if value is None:
        return "—"
    return f"{value * 100:.1f}%" if key.endswith("_rate") else str(value)


def unanswered_rows(figure: Any, lang: str) -> tuple[str, list[list[Any]]]:
    """A note for a reader (nothing recorded, list unreadable, list shorter than the period)
    and the rows: masked example question, times asked, how many wordings."""
    if not isinstance(figure, dict) or not figure.get("available", True):
        return text(lang, "unanswered_unavailable"), []
    rows = [[mask_text(c["example"]), c["count"], c["questions"]] for c in figure["clusters"]]
    note = "" if rows else text(lang, "unanswered_none")
    if figure.get("partial") and figure.get("since"):
        note = f"{note} {text(lang, 'unanswered_since')} {figure['since'][:16]}".strip()
    return note, rows


def _svg(draw: Any) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.fonttype"] = "none"  # text stays text: the browser's CJK fonts show it
    plt.rcParams["font.family"] = ["Noto Sans CJK SC", "DejaVu Sans"]
    fig, ax = plt.subplots(figsize=(7, 2.8))
    draw(ax)
    fig.tight_layout()
    out = io.StringIO()
    fig.savefig(out, format="svg")
    plt.close(fig)
    svg = out.getvalue()
    return svg[svg.index("<svg") :]


def charts(report: dict[str, Any], lang: str) -> dict[str, str]:
    now, before = report["figures"], report["previous"]["figures"]

    def hours(ax: Any) -> None:
        xs = list(range(24))
        ax.bar([x - 0.2 for x in xs], now["volume_by_hour"], 0.4, label=text(lang, "this"))
        ax.bar([x + 0.2 for x in xs], before["volume_by_hour"], 0.4, label=text(lang, "previous"))
        ax.set_xticks(xs[::2])
        ax.legend()

    def channels(ax: Any) -> None:
        names = sorted(set(now["volume_by_channel"]) | set(before["volume_by_channel"]))
        ax.bar(
            [label(lang, "channel", n) for n in names],
            [now["volume_by_channel"].get(n, 0) for n in names],
        )

    def reasons(ax: Any) -> None:
        items = list(now["handoffs_by_reason"].items())
        ax.barh([label(lang, "reason", k) for k, _ in items], [v for _, v in items])

    def first_response(ax: Any) -> None:
        groups = list(now["first_response"])
        names = [label(lang, "group", g) for g in groups]
        ax.bar(names, [now["first_response"][g]["p90_s"] or 0 for g in groups], label="p90")
        ax.bar(names, [now["first_response"][g]["p50_s"] or 0 for g in groups], label="p50")
        ax.scatter(
            names,
            [now["first_response"][g]["sla_target_s"] for g in groups],
            marker="_",
            s=400,
            color="red",
            label=text(lang, "target"),
        )
        ax.legend()

    return {
        "volume_by_hour": _svg(hours),
        "volume_by_channel": _svg(channels),
        "handoffs_by_reason": _svg(reasons),
        "first_response": _svg(first_response),
    }


def _table(head: list[str], rows: list[list[Any]], cls: str) -> str:
    cells = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>" for row in rows
    )
    return f'<table class="{cls}"><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>'


def to_html(report: dict[str, Any], lang: str = "zh") -> str:
    now = report["figures"]
    period = report["period"]
    parts = [
        f"<h1>{escape(text(lang, 'title'))}</h1>",
        f'<p class="period">{escape(text(lang, "period"))}: {escape(period["label"])} '
        f"({escape(text(lang, 'previous'))}: {escape(report['previous']['period']['label'])})</p>",
    ]
    if now["conversations"] == 0:
        parts.append(f'<p class="empty">{escape(text(lang, "empty"))}</p>')
    parts.append(
        _table(
            [text(lang, "figure"), text(lang, "this"), text(lang, "previous")],
            [list(r) for r in summary_rows(report, lang)],
            "summary",
        )
    )
    for key, svg in charts(report, lang).items():
        parts.append(
            f'<h2>{escape(text(lang, key))}</h2><div class="chart" id="chart-{key}">{svg}</div>'
        )
    fr = now["first_response"]
    parts.append(
        _table(
            [text(lang, "group"), text(lang, "count"), "p50", "p90", text(lang, "target"), "SLA"],
            [
                [
                    label(lang, "group", g),
                    v["count"],
                    _fmt(v["p50_s"], "p50"),
                    _fmt(v["p90_s"], "p90"),
                    v["sla_target_s"],
                    _fmt(v["within_sla_rate"], "_rate"),
                ]
                for g, v in fr.items()
            ],
            "first-response",
        )
    )
    parts.append(f"<h2>{escape(text(lang, 'satisfaction'))}</h2>")
    sat_rows = []
    for kind, by in now["satisfaction"].items():
        for name, v in by.items():
            shown = (
                text(lang, "bot")
                if kind == "bot"
                else (label(lang, "group", name) if kind == "group" else mask_text(name))
            )
            sat_rows.append(
                [
                    text(lang, kind),
                    shown,
                    v["rated"],
                    v["average"],
                    _fmt(v["satisfied_rate"], "_rate"),
                ]
            )
    parts.append(
        _table(
            ["", "", text(lang, "rated"), text(lang, "average"), text(lang, "satisfied_rate")],
            sat_rows,
            "satisfaction",
        )
    )
    parts.append(f"<h2>{escape(text(lang, 'top_intents'))}</h2>")
    parts.append(
        _table(
            [text(lang, "top_intents"), text(lang, "count")],
            [[label(lang, "intent", i), n] for i, n in now["top_intents"]],
            "intents",
        )
    )
    parts.append(f"<h2>{escape(text(lang, 'top_faqs'))}</h2>")
    parts.append(_table(["FAQ", text(lang, "count")], [list(x) for x in now["top_faqs"]], "faqs"))
    parts.append(f"<h2>{escape(text(lang, 'unanswered'))}</h2>")
    note, rows = unanswered_rows(now.get("unanswered"), lang)
    if note:
        parts.append(f'<p class="unanswered-note">{escape(note)}</p>')
    if rows:
        head = [text(lang, "example"), text(lang, "count"), text(lang, "wordings")]
        parts.append(_table(head, rows, "unanswered"))
    body = "\n".join(parts)
    return (
        f'<!doctype html><html lang="{escape(lang)}"><head><meta charset="utf-8">'
        f"<title>{escape(text(lang, 'title'))} {escape(period['label'])}</title>"
        "<style>body{font-family:system-ui,'Noto Sans CJK SC',sans-serif;margin:16px}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px}</style>"
        f'</head><body><div id="report">{body}</div></body></html>'
    )


def to_xlsx(report: dict[str, Any], lang: str = "zh") -> bytes:
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference

    now = report["figures"]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "summary"
    sheet.append([text(lang, "title"), report["period"]["label"]])
    sheet.append([text(lang, "figure"), text(lang, "this"), text(lang, "previous")])
    for summary in summary_rows(report, lang):
        sheet.append(list(summary))
    hours = book.create_sheet("hours")
    hours.append([text(lang, "hour"), text(lang, "this"), text(lang, "previous")])
    for h in range(24):
        hours.append(
            [h, now["volume_by_hour"][h], report["previous"]["figures"]["volume_by_hour"][h]]
        )
    chart = BarChart()
    chart.title = text(lang, "volume_by_hour")
    chart.add_data(
        Reference(hours, min_col=2, max_col=3, min_row=1, max_row=25), titles_from_data=True
    )
    chart.set_categories(Reference(hours, min_col=1, min_row=2, max_row=25))
    hours.add_chart(chart, "E2")
    groups = book.create_sheet("first_response")
    groups.append([text(lang, "group"), text(lang, "count"), "p50", "p90", text(lang, "target")])
    for g, v in now["first_response"].items():
        groups.append(
            [label(lang, "group", g), v["count"], v["p50_s"], v["p90_s"], v["sla_target_s"]]
        )
    sat = book.create_sheet("satisfaction")
    sat.append(["", "", text(lang, "rated"), text(lang, "average"), text(lang, "satisfied_rate")])
    for kind, by in now["satisfaction"].items():
        for name, v in by.items():
            sat.append(
                [text(lang, kind), mask_text(name), v["rated"], v["average"], v["satisfied_rate"]]
            )
    asked = book.create_sheet("unanswered")
    note, rows = unanswered_rows(now.get("unanswered"), lang)
    asked.append([text(lang, "example"), text(lang, "count"), text(lang, "wordings")])
    for row in rows:
        asked.append(row)
        asked.cell(asked.max_row, 1).data_type = "s"  # a customer's "=…" is text, not a formula
    if note:
        asked.append([note])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
