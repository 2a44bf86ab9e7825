"""All tables; importing this package registers them on `SQLModel.metadata`."""

from agent_workspace.models.auth import (
    AuthSession,
    LiveView,
    Role,
    SignInThrottle,
    User,
    UserRole,
)
from agent_workspace.models.channel import (
    Channel,
    ChannelKind,
    ChannelUserProfile,
    ProviderNumber,
)
from agent_workspace.models.ingest import AcceptedWebhook
from agent_workspace.models.interaction import (
    ACTIVE_STATES,
    Counter,
    CustomerCase,
    Interaction,
    InteractionState,
    InteractionType,
    InteractionView,
    LiveGroupMember,
    LiveGroupReason,
    Notice,
)
from agent_workspace.models.labels import InteractionLabel, Label
from agent_workspace.models.messaging import (
    Attachment,
    AuditEvent,
    CannedReply,
    Direction,
    EarlyStatus,
    Message,
    MessageStatus,
    OptOut,
)
from agent_workspace.models.people import (
    Account,
    Consumer,
    Contact,
    PersonPhone,
    PhoneKind,
)
from agent_workspace.models.sla import SlaPolicy
from agent_workspace.models.types import utcnow

__all__ = [
    "ACTIVE_STATES",
    "AcceptedWebhook",
    "Account",
    "Attachment",
    "AuditEvent",
    "AuthSession",
    "CannedReply",
    "Channel",
    "ChannelKind",
    "ChannelUserProfile",
    "Consumer",
    "Contact",
    "Counter",
    "CustomerCase",
    "Direction",
    "EarlyStatus",
    "Interaction",
    "InteractionLabel",
    "InteractionState",
    "InteractionType",
    "InteractionView",
    "Label",
    "LiveGroupMember",
    "LiveGroupReason",
    "LiveView",
    "Message",
    "MessageStatus",
    "Notice",
    "OptOut",
    "PersonPhone",
    "PhoneKind",
    "ProviderNumber",
    "Role",
    "SignInThrottle",
    "SlaPolicy",
    "User",
    "UserRole",
    "utcnow",
]
