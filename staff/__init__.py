"""The staff surface: server-rendered pages under /staff (Jinja2, small vanilla JS)."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from staff.web import HERE, install_staff_errors


def install_staff(app: FastAPI) -> None:
    """Mount the staff routers, their static files and their HTML error pages."""
    from staff import (live, routes_board, routes_catalog, routes_customer, routes_day, routes_files, routes_inbox,
                       routes_inbox_tools, routes_invoices, routes_kb, routes_login, routes_messages, routes_phone_in,
                       routes_reports, routes_setup, routes_taxes, routes_team, routes_technicians, routes_tickets,
                       routes_work)
    # routes_taxes (/staff/settings/tax-rates) before routes_setup's /staff/settings pages
    for module in (routes_login, routes_day, routes_work, routes_files, routes_invoices, routes_customer,
                   routes_taxes, routes_board, routes_messages, routes_kb, routes_reports, routes_inbox, live,
                   routes_phone_in, routes_tickets, routes_inbox_tools, routes_setup, routes_team, routes_technicians,
                   routes_catalog):
        app.include_router(module.router)
    app.mount("/staff/static", StaticFiles(directory=HERE / "static"), name="staff-static")
    install_staff_errors(app)
