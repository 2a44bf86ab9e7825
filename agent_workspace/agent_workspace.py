"""The Reflex app: pages and their guards, /api/ routes, the outbox dispatcher, the inbound
router, the file collector, live pushes."""

from __future__ import annotations

import reflex as rx

from agent_workspace.ops.logs import configure_worker
from agent_workspace.ops.metrics import worker_started
from agent_workspace.pages import admin, reports, supervisor, workspace
from agent_workspace.pages.login import login_page
from agent_workspace.state.admin import AdminState
from agent_workspace.state.admin_assignment import AssignmentAdminState
from agent_workspace.state.admin_audit import AuditAdminState
from agent_workspace.state.admin_business_hours import (
    AutoReplyAdminState,
    BusinessHoursAdminState,
)
from agent_workspace.state.admin_channel import NumbersAdminState, ResolverAdminState
from agent_workspace.state.admin_consent import StopPolicyAdminState
from agent_workspace.state.admin_labels import LabelsAdminState
from agent_workspace.state.admin_quiet import QuietHoursAdminState
from agent_workspace.state.admin_replies import RepliesAdminState
from agent_workspace.state.admin_setup import ChannelAdminState
from agent_workspace.state.admin_sla import SlaAdminState
from agent_workspace.state.admin_users import UsersAdminState
from agent_workspace.state.compose import ComposeState
from agent_workspace.state.details import DetailsState
from agent_workspace.state.interaction_page import InteractionPageState
from agent_workspace.state.labels import LabelsState
from agent_workspace.state.reports import ReportsState
from agent_workspace.state.session import LoginState, SessionState
from agent_workspace.state.supervisor import SupervisorState
from agent_workspace.state.workspace import WorkspaceState
from agent_workspace.web.access_log import AccessLog
from agent_workspace.web.body_guard import BodyGuard
from agent_workspace.web.collector import tune_collector
from agent_workspace.web.notifier import Notifier
from agent_workspace.web.outage import OutageWatch, dependency_exception_handler
from agent_workspace.web.routes import create_api
from agent_workspace.web.runtime import (
    run_dispatcher,
    run_file_collector,
    run_router,
    run_sla_alarm,
    run_snooze_alarm,
)
from agent_workspace.web.security_headers import SecurityHeaders
from agent_workspace.web.socket_guard import guard_sockets
from agent_workspace.web.upload_guard import guard_uploads


def _app() -> rx.App:
    return app


# Each transformer wraps the ones before it: the /api/ routes and Reflex's own (pages, assets,
# /_upload) are behind the upload guard, which sees /_upload before Reflex reads a byte of it;
# the socket guard sees an event socket's token before Reflex links it to any state; the body
# guard bounds every body (and a webhook's size) before any of them reads it; the security
# headers go on every answer, the guards' refusals included; and every request, refused or
# not, gets its access-log line.
app = rx.App(
    head_components=[rx.script(src="/workspace.js")],
    api_transformer=[
        create_api(),
        guard_uploads(_app),
        guard_sockets,
        BodyGuard,
        SecurityHeaders,
        AccessLog,
    ],
    # Toasts at the top, in the header's empty middle on a wide screen and under the header on
    # a phone: never over the composer (at the bottom) nor Sign out (top right); each can be
    # closed at once.
    toaster=rx.toast.provider(
        position="top-center",
        close_button=True,
        # Sonner's rich colours put green text on pale green at 4.25:1 (axe: serious); the
        # plain toast keeps its coloured icon and reads at full contrast.
        rich_colors=False,
        custom_attrs={"mobileOffset": {"top": "64px"}},
    ),
    # A lost database or Redis is the reconnecting banner's to say, not a toast per event.
    backend_exception_handler=dependency_exception_handler,
)
app.add_page(
    login_page,
    route="/login",
    title="Sign in · Agent Workspace",
    on_load=LoginState.redirect_if_signed_in,
)
WORKSPACE_LOAD = [
    SessionState.guard_agent_page,
    WorkspaceState.load,
    InteractionPageState.open,
    ComposeState.prepare,
    DetailsState.load,
    LabelsState.load,
]
app.add_page(
    workspace.workspace, route=workspace.ROUTE, title="Agent Workspace", on_load=WORKSPACE_LOAD
)
app.add_page(workspace.workspace, route="/", title="Agent Workspace", on_load=WORKSPACE_LOAD)
app.add_page(
    admin.admin_page,
    route=admin.ROUTE,
    title="Administration · Agent Workspace",
    on_load=[
        AdminState.load,
        ChannelAdminState.load,
        NumbersAdminState.load,
        UsersAdminState.load,
        ResolverAdminState.load,
        QuietHoursAdminState.load,
        StopPolicyAdminState.load,
        AssignmentAdminState.load,
        BusinessHoursAdminState.load,
        AutoReplyAdminState.load,
        RepliesAdminState.load,
        LabelsAdminState.load,
        SlaAdminState.load,
        AuditAdminState.load,
    ],
)
app.add_page(
    supervisor.supervisor_page,
    route=supervisor.ROUTE,
    title="Supervisor board · Agent Workspace",
    on_load=SupervisorState.load,
)
app.add_page(
    reports.reports_page,
    route=reports.ROUTE,
    title="Reports · Agent Workspace",
    on_load=ReportsState.load,
)
app.register_lifespan_task(configure_worker)  # Granian's workers set up logging of their own
app.register_lifespan_task(worker_started)
app.register_lifespan_task(tune_collector)
app.register_lifespan_task(run_dispatcher)
app.register_lifespan_task(run_router)
app.register_lifespan_task(run_file_collector)
app.register_lifespan_task(run_snooze_alarm)
app.register_lifespan_task(run_sla_alarm)
app.register_lifespan_task(Notifier(app).run)
app.register_lifespan_task(OutageWatch(app).run)
