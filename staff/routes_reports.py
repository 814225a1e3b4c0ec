"""The owner's report page: figures of a window, charts drawn as SVG, the CSV, and the SLA targets."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from domain.errors import Invalid
from domain.reports.export import summary_csv
from domain.reports.models import ReportSummary, ReportWindow
from domain.reports.summary import report_summary
from domain.reports.window import local_days, parse_bound, report_window
from domain.sla import service as sla
from domain.sla.models import SlaPolicySet
from domain.surveys.service import list_answers
from staff.charts import bar_chart
from staff.web import Form, Staff, redirect, render

router = APIRouter(prefix="/staff", include_in_schema=False)


def _window(staff: Staff, start: str | None, end: str | None) -> ReportWindow:
    return report_window(timezone=staff.tenant.timezone, start=parse_bound(start or None),
                         end=parse_bound(end or None), now=staff.clock.now())


def charts(summary: ReportSummary) -> dict[str, object]:
    """The page's charts, each from the figures shown beside it."""
    return {
        "channels": bar_chart("Bookings by channel", [(c.channel, c.bookings) for c in summary.by_channel]),
        "status": bar_chart("Average minutes in each status",
                            [(s.replace("_", " "), m) for s, m in summary.time_in_status.items()], unit=" min"),
        "utilization": bar_chart("Booked share of working time",
                                 [(u.technician, round((u.utilization or 0) * 100, 1)) for u in summary.utilization],
                                 unit="%", maximum=100),
        "unbooked": bar_chart("Requests never booked",
                              [(r.replace("_", " "), n) for r, n in summary.unbooked.items()]),
        "csat": bar_chart("Satisfaction answers", [(f"{s} of 5", n) for s, n in summary.csat.distribution.items()]),
    }


@router.get("/reports")
async def reports(request: Request, staff: Staff, start: str | None = None, end: str | None = None):
    """The report of a window (default: the last 30 days)."""
    staff.require_dispatch()
    window = _window(staff, start, end)
    async with staff.tx() as conn:
        summary = await report_summary(conn, window=window, now=staff.clock.now())
        answers = await list_answers(conn, window=window)
        policies = await sla.list_policies(conn)
    days = local_days(window)
    return render(request, "reports.html", staff=staff, summary=summary, charts=charts(summary), answers=answers,
                  policies=policies, start=start or days[0].isoformat(), end=end or days[-1].isoformat())


@router.get("/reports.csv")
async def reports_csv(staff: Staff, start: str | None = None, end: str | None = None) -> Response:
    staff.require_dispatch()
    window = _window(staff, start, end)
    async with staff.tx() as conn:
        summary = await report_summary(conn, window=window, now=staff.clock.now())
    return Response(summary_csv(summary), media_type="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="report.csv"'})


@router.post("/reports/sla")
async def set_sla(staff: Staff, form: Form):
    """The targets of one urgency, in minutes (blank: no target)."""
    staff.require_dispatch()
    try:
        data = SlaPolicySet(**{k: int(form[k]) if form.get(k, "").strip() else None
                               for k in ("first_response_minutes", "on_site_minutes", "resolution_minutes")})
    except ValueError:
        raise Invalid("Targets are whole minutes between 1 and 525600, or blank.", code="VALIDATION_ERROR") from None
    async with staff.tx() as conn:
        await sla.set_policy(conn, tenant_id=staff.tenant.id, urgency=form.get("urgency", ""), data=data)
    return redirect("/staff/reports#sla")
