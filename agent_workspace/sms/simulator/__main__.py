"""Run the SMS simulator: `python -m agent_workspace.sms.simulator --port 8900 ...`.

Every option can also come from the environment (SMS_SIMULATOR_HOST, SMS_SIMULATOR_PORT,
SMS_SIMULATOR_ACCOUNT_SID, SMS_SIMULATOR_AUTH_TOKEN, SMS_SIMULATOR_INBOUND_WEBHOOK_URL,
SMS_SIMULATOR_PUBLIC_BASE_URL, SMS_SIMULATOR_PROVIDER_NUMBERS (comma-separated),
SMS_SIMULATOR_STATUS_DELAYS (three comma-separated seconds), SMS_SIMULATOR_MEDIA_FIRST_404=1,
SMS_SIMULATOR_HOLD_QUEUED=1).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

import uvicorn

from agent_workspace.ops import logs
from agent_workspace.sms.simulator.app import create_simulator_app

DEFAULT_ACCOUNT_SID = "AC" + "0" * 32
DEFAULT_AUTH_TOKEN = "simulator-auth-token"


def _env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(f"SMS_SIMULATOR_{name}", default)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m agent_workspace.sms.simulator")
    parser.add_argument("--host", default=_env("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(_env("PORT", "8900") or 8900))
    parser.add_argument("--account-sid", default=_env("ACCOUNT_SID", DEFAULT_ACCOUNT_SID))
    parser.add_argument("--auth-token", default=_env("AUTH_TOKEN", DEFAULT_AUTH_TOKEN))
    parser.add_argument("--inbound-webhook-url", default=_env("INBOUND_WEBHOOK_URL"))
    parser.add_argument("--public-base-url", default=_env("PUBLIC_BASE_URL"))
    parser.add_argument(
        "--provider-numbers",
        default=_env("PROVIDER_NUMBERS", ""),
        help="comma-separated From numbers to accept (default: any E.164 number)",
    )
    parser.add_argument(
        "--messaging-services",
        default=_env("MESSAGING_SERVICES", ""),
        help="comma-separated Messaging Service SIDs (MG...) of the account; each sends from"
        " the provider numbers, with Sticky Sender",
    )
    parser.add_argument(
        "--status-delays",
        default=_env("STATUS_DELAYS", "0.2,0.5,1.0"),
        help="seconds before sending, sent, delivered",
    )
    parser.add_argument(
        "--media-first-404",
        action="store_true",
        default=_env("MEDIA_FIRST_404") == "1",
        help="answer 404 to the first fetch of each inbound media, like Twilio sometimes does",
    )
    parser.add_argument(
        "--hold-queued",
        action="store_true",
        default=_env("HOLD_QUEUED") == "1",
        help="keep accepted messages queued with no status callbacks (delivery pacing off)",
    )
    parser.add_argument("--log-level", default=_env("LOG_LEVEL", "info"))
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    delays = tuple(float(d) for d in args.status_delays.split(","))
    if len(delays) != 3:
        sys.exit("--status-delays needs three numbers, like 0.2,0.5,1.0")
    public = args.public_base_url or f"http://{args.host}:{args.port}"
    app = create_simulator_app(
        account_sid=args.account_sid,
        auth_token=args.auth_token,
        inbound_webhook_url=args.inbound_webhook_url,
        public_base_url=public,
        status_delays=(delays[0], delays[1], delays[2]),
        provider_numbers=[n.strip() for n in args.provider_numbers.split(",") if n.strip()],
        messaging_services=[s.strip() for s in args.messaging_services.split(",") if s.strip()],
        media_first_fetch_404=args.media_first_404,
        hold_queued=args.hold_queued,
    )
    # The workspace's log format (`serve` passes AW_LOG_* on); Uvicorn's loggers go through it.
    logs.configure(
        os.environ.get("AW_LOG_LEVEL", args.log_level), os.environ.get("AW_LOG_FORMAT", "text")
    )
    logging.getLogger("agent_workspace.sms.simulator").info(
        "SMS simulator: API %s/2010-04-01, phone page %s/phone", public, public
    )
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level, log_config=None)


if __name__ == "__main__":
    main()
