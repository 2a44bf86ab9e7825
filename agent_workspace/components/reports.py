"""The Reports page's pieces: the form, a figure's table with its Download CSV, Reflex's own
charts (recharts) over the whole desk, and the weekday x hour heatmap as a grid."""

from __future__ import annotations

from typing import Any

import reflex as rx

from agent_workspace.components.forms import VISUALLY_HIDDEN
from agent_workspace.domain.reports import GROUP_TITLES
from agent_workspace.state.reports import HeatCell, HeatRow, ReportsState, TableView

R = ReportsState
_INPUT = {"padding": "0.4em", "border_radius": "6px", "border": "1px solid var(--gray-7)"}


def field(label: str, control: rx.Component, html_for: str) -> rx.Component:
    """A labelled control as wide as it needs: the form's fields sit side by side."""
    return rx.vstack(rx.el.label(label, html_for=html_for), control, spacing="1")


def _input(id_: str, value: Any, **props: Any) -> rx.Component:
    return rx.el.input(id=id_, name=id_, default_value=value, key=value, style=_INPUT, **props)


def report_form() -> rx.Component:
    return rx.form(
        rx.hstack(
            field("From", _input("first", R.first, type="date"), "first"),
            field("To", _input("last", R.last, type="date"), "last"),
            field(
                "Per",
                rx.el.select(
                    rx.el.option("Day", value="day"),
                    rx.el.option("Week", value="week"),
                    id="grain",
                    name="grain",
                    default_value=R.grain,
                    key=R.grain,
                    style=_INPUT,
                ),
                "grain",
            ),
            field(
                "Group by",
                rx.el.select(
                    *(rx.el.option(title, value=g.value) for g, title in GROUP_TITLES.items()),
                    id="group",
                    name="group",
                    default_value=R.group,
                    key=R.group,
                    style=_INPUT,
                ),
                "group",
            ),
            field("Time zone", _input("zone", R.zone, type="text"), "zone"),
            rx.button("Show", type="submit", align_self="end"),
            spacing="3",
            wrap="wrap",
            align="end",
        ),
        rx.cond(
            R.error != "",
            rx.text(R.error, id="report-error", color_scheme="red", size="2", role="alert"),
        ),
        on_submit=R.show,
        reset_on_submit=False,
    )


_CELL = {
    "padding": "0.35em 0.6em",
    "border_bottom": "1px solid var(--gray-5)",
    "text_align": "left",
}


def _header(name: rx.Var[str]) -> rx.Component:
    return rx.el.th(name, scope="col", style={**_CELL, "vertical_align": "bottom"})


def _cell(value: rx.Var[str]) -> rx.Component:
    return rx.el.td(value, style=_CELL)


def _figure_table(table: rx.Var[TableView]) -> rx.Component:
    return rx.el.section(
        rx.hstack(
            rx.heading(table.title, size="3"),
            rx.spacer(),
            rx.button(
                "Download CSV",
                on_click=R.download(table.key),
                size="1",
                variant="soft",
                aria_label="Download CSV: " + table.title,
            ),
            width="100%",
            align="center",
        ),
        rx.box(  # a wide table scrolls on its own, and the keyboard can scroll it
            rx.el.table(
                rx.el.caption(table.title, style=VISUALLY_HIDDEN),
                rx.el.thead(rx.el.tr(rx.foreach(table.columns, _header))),
                rx.el.tbody(rx.foreach(table.rows, lambda row: rx.el.tr(rx.foreach(row, _cell)))),
                style={"border_collapse": "collapse", "width": "100%", "font_size": "0.85em"},
            ),
            tab_index=0,
            role="region",
            aria_label=table.title + " (scrolls sideways)",
            overflow_x="auto",
            width="100%",
        ),
        rx.cond(table.rows.length() == 0, rx.text("Nothing in this period.", size="2")),
        aria_label=table.title,
        width="100%",
    )


def figure_tables() -> rx.Component:
    return rx.vstack(rx.foreach(R.tables, _figure_table), spacing="5", width="100%")


def _chart(title: str, kind: Any, data: Any, series: tuple[tuple[str, str], ...]) -> rx.Component:
    part = rx.recharts.bar if kind is rx.recharts.bar_chart else rx.recharts.line
    return rx.el.figure(
        rx.el.figcaption(rx.text(title, weight="medium", size="2")),
        kind(
            *(
                part(data_key=name, fill=colour, stroke=colour, name=name)
                for name, colour in series
            ),
            rx.recharts.x_axis(data_key="period"),
            rx.recharts.y_axis(),
            rx.recharts.cartesian_grid(stroke_dasharray="3 3"),
            rx.recharts.legend(),
            rx.recharts.graphing_tooltip(),
            data=data,
            width="100%",
            height=220,
        ),
        aria_label=title,
        style={"margin": "0", "width": "100%", "min_width": "18em", "flex": "1"},
    )


def charts() -> rx.Component:
    return rx.flex(
        _chart(
            "Conversations (whole desk)",
            rx.recharts.bar_chart,
            R.conversations_chart,
            (("Opened", "var(--accent-9)"), ("Closed", "var(--gray-9)")),
        ),
        _chart(
            "Messages (whole desk)",
            rx.recharts.bar_chart,
            R.messages_chart,
            (
                ("Messages in", "var(--accent-9)"),
                ("Messages out", "var(--gray-9)"),
                ("Segments sent", "var(--amber-9)"),
            ),
        ),
        _chart(
            "Median times in minutes (whole desk)",
            rx.recharts.line_chart,
            R.times_chart,
            (
                ("First response median (min)", "var(--accent-9)"),
                ("Resolution median (min)", "var(--gray-9)"),
            ),
        ),
        wrap="wrap",
        gap="1em",
        width="100%",
    )


def _heat_cell(cell: rx.Var[HeatCell]) -> rx.Component:
    return rx.el.td(
        rx.cond(cell.count > 0, cell.count, ""),
        title=cell.label,
        aria_label=cell.label,
        style={
            "background": cell.shade,
            "width": "1.8em",
            "height": "1.6em",
            "text_align": "center",
            "font_size": "0.7em",
        },
    )


def _heat_row(row: rx.Var[HeatRow]) -> rx.Component:
    return rx.el.tr(
        rx.el.th(row.day, scope="row", style={"font_size": "0.8em", "padding_right": "0.5em"}),
        rx.foreach(row.cells, _heat_cell),
    )


def heatmap() -> rx.Component:
    hours = [rx.el.th(f"{h:02d}", scope="col", style={"font_size": "0.7em"}) for h in range(24)]
    return rx.el.section(
        rx.hstack(
            rx.heading("Inbound texts by weekday and hour", size="3"),
            rx.text("(", R.zone, ")", size="2", color="var(--gray-11)"),
            rx.spacer(),
            rx.button(
                "Download CSV",
                on_click=R.download("heatmap"),
                size="1",
                variant="soft",
                aria_label="Download CSV: Inbound texts by weekday and hour",
            ),
            width="100%",
            align="center",
        ),
        rx.el.table(
            rx.el.caption("Inbound texts by weekday and hour", style=VISUALLY_HIDDEN),
            rx.el.thead(rx.el.tr(rx.el.td(), *hours)),
            rx.el.tbody(rx.foreach(R.heatmap, _heat_row)),
            style={"border_collapse": "separate", "border_spacing": "2px"},
        ),
        aria_label="Inbound texts by weekday and hour",
        width="100%",
        overflow_x="auto",
    )
