"""The limits an upload is read within, for the signed-in agent it belongs to.

Reflex's upload endpoint is public and buffers whole request bodies, so who is uploading and
how much they may send are decided before a byte of the body is read (web/upload_guard.py)
and again, file by file, in the Send handler.
"""

from __future__ import annotations

from sqlalchemy.engine import Engine

from agent_workspace.db.engine import reading
from agent_workspace.domain.attachments import AttachmentPolicy
from agent_workspace.models import Role
from agent_workspace.services.access import Actor, require_role
from agent_workspace.services.accounts import auth
from agent_workspace.services.channels.settings import sms_channel


def upload_policy(*, actor: Actor | None, engine: Engine | None = None) -> AttachmentPolicy:
    """The SMS channel's attachment policy; refuses anyone but a signed-in agent."""
    require_role(actor, Role.AGENT)
    with reading(engine) as session:
        return sms_channel(session).policy


def upload_allowance(*, session_token: str, engine: Engine | None = None) -> AttachmentPolicy:
    """`upload_policy` for whoever holds the session token (signed out: AccessDenied)."""
    return upload_policy(actor=auth.actor_for_token(session_token, engine=engine), engine=engine)
