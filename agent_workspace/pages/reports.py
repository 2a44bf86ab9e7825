"""Reports for supervisors and administrators: the desk's figures per day or week and per
agent, label or provider number, as tables, charts and CSV files."""

from __future__ import annotations

import reflex as rx

from agent_workspace.components.layout import role_page
from agent_workspace.components.reports import charts, figure_tables, heatmap, report_form
from agent_workspace.state.reports import ReportsState

ROUTE = "/reports"


def reports_page() -> rx.Component:
    return role_page(
        ReportsState.refusal,
        rx.vstack(
            rx.heading("Reports", size="5"),
            rx.text(
                "Figures of the period in the chosen time zone; times in calendar time, and in"
                " business hours when the channel has them.",
                size="2",
            ),
            report_form(),
            charts(),
            heatmap(),
            figure_tables(),
            padding="1.5em",
            spacing="5",
            width="100%",
        ),
    )
