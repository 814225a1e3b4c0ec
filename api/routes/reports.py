"""The owner's reports over REST: the summary (JSON or CSV), SLA policies, ticket metrics and surveys."""

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from api.answers import errors
from api.deps import Api
from domain.pagination import Page
from domain.reports.export import summary_csv
from domain.reports.models import ReportSummary, ReportWindow
from domain.reports.summary import report_summary
from domain.reports.window import BOUND_PATTERN, parse_bound, report_window
from domain.sla import service as sla
from domain.sla.models import SlaPolicy, SlaPolicySet, TicketMetrics
from domain.surveys import service as surveys
from domain.surveys.models import Survey
from domain.tickets.service import find_ticket

router = APIRouter(prefix="/api/v1", tags=["reports"])

FROM = Query(None, alias="from", pattern=BOUND_PATTERN, max_length=40,
             description="A local date (the whole day, in the business's timezone) or an instant; default 30 days ago")
TO = Query(None, alias="to", pattern=BOUND_PATTERN, max_length=40,
           description="A local date (included) or an instant (excluded); default today. A window covers at most "
                       "366 days: a longer one keeps its last 366; `to` before `from` is an empty window")


def _window(api: Api, start: str | None, end: str | None) -> ReportWindow:
    return report_window(timezone=api.tenant.timezone, start=parse_bound(start), end=parse_bound(end),
                         now=api.clock.now())


@router.get("/reports/summary", responses=errors(INVALID_DATE=422))
async def summary(api: Api, start: str | None = FROM, end: str | None = TO) -> ReportSummary:
    """Conversations and bookings by channel, time to booked, time in status, utilisation, jobs, revenue,
    cancellations and no-shows, unbooked requests by reason, knowledge gaps, satisfaction, SLA breaches."""
    window = _window(api, start, end)
    async with api.tx() as conn:
        return await report_summary(conn, window=window, now=api.clock.now())


@router.get("/reports/summary.csv", response_class=Response,
            responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "One row per figure"},
                       **errors(INVALID_DATE=422)})
async def summary_as_csv(api: Api, start: str | None = FROM, end: str | None = TO) -> Response:
    """The summary as CSV (section, item, measure, value)."""
    window = _window(api, start, end)
    async with api.tx() as conn:
        data = await report_summary(conn, window=window, now=api.clock.now())
    name = f"report-{window.start.date().isoformat()}.csv"
    return Response(summary_csv(data), media_type="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/sla-policies")
async def list_sla_policies(api: Api) -> Page[SlaPolicy]:
    """The targets of each urgency level, in minutes from the request."""
    async with api.tx() as conn:
        return Page(data=await sla.list_policies(conn))


@router.put("/sla-policies/{urgency}", responses=errors(UNKNOWN_URGENCY=404))
async def set_sla_policy(api: Api, body: SlaPolicySet,
                         urgency: str = Path(pattern=r"^[a-z_]{1,30}$")) -> SlaPolicy:
    """Sets (or replaces) the targets of one urgency level."""
    async with api.tx() as conn:
        return await sla.set_policy(conn, tenant_id=api.tenant.id, urgency=urgency, data=body)


@router.get("/tickets/{ref}/metrics", responses=errors(NOT_FOUND=404))
async def ticket_metrics(api: Api, ref: str) -> TicketMetrics:
    """Replies, reopens, first response, on site and resolution times, due times and SLA breaches."""
    async with api.tx() as conn:
        ticket = await find_ticket(conn, ref=ref)
        return await sla.one_ticket_metrics(conn, ticket_id=ticket.id, now=api.clock.now())


@router.get("/tickets/{ref}/survey", responses=errors(NOT_FOUND=404))
async def ticket_survey(api: Api, ref: str) -> Survey | None:
    """The satisfaction survey of a completed visit (null when none was sent)."""
    async with api.tx() as conn:
        ticket = await find_ticket(conn, ref=ref)
        return await surveys.ticket_survey(conn, ticket_id=ticket.id)


@router.get("/surveys", responses=errors(INVALID_DATE=422))
async def list_surveys(api: Api, start: str | None = FROM, end: str | None = TO) -> Page[Survey]:
    """Satisfaction answers given in the window, newest first."""
    window = _window(api, start, end)
    async with api.tx() as conn:
        return Page(data=await surveys.list_answers(conn, window=window))
