"""A Twilio-compatible SMS simulator: Messages API, signed webhooks, and a consumer-phone page."""

from agent_workspace.sms.simulator.app import create_simulator_app
from agent_workspace.sms.simulator.core import Simulator, SimulatorConfig
from agent_workspace.sms.simulator.magic import MAGIC_FROM_NUMBERS, MAGIC_NUMBERS, Magic
from agent_workspace.sms.simulator.server import SimulatorServer
from agent_workspace.sms.simulator.store import SimMessage, SimulatorStore

__all__ = [
    "MAGIC_FROM_NUMBERS",
    "MAGIC_NUMBERS",
    "Magic",
    "SimMessage",
    "Simulator",
    "SimulatorConfig",
    "SimulatorServer",
    "SimulatorStore",
    "create_simulator_app",
]
