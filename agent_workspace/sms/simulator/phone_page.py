"""The consumer-phone page: read what the app sent to a phone and reply from it (plain HTML)."""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from agent_workspace.sms.simulator.core import InboundError, Simulator
from agent_workspace.sms.simulator.store import SimMedia, SimMessage

MAX_UPLOAD = 5 * 1024 * 1024
STYLE = """
body{font-family:system-ui,sans-serif;max-width:42rem;margin:1rem auto;padding:0 1rem;color:#222}
h1{font-size:1.4rem} a{color:#0645ad} label{display:block;margin:.6rem 0 .2rem;font-weight:600}
input,textarea,select,button{font-size:1rem;padding:.4rem;box-sizing:border-box}
input[type=text],textarea{width:100%} ul{padding:0;list-style:none}
.msg{margin:.5rem 0;padding:.5rem .7rem;border-radius:.6rem;max-width:80%}
.in{background:#e3f2e1;margin-left:auto} .out{background:#eceff4}
.meta{font-size:.8rem;color:#555} .err{color:#b00020;font-weight:600}
.msg img{max-width:100%;display:block;margin-top:.3rem}
"""


def _sim(request: Request) -> Simulator:
    sim: Simulator = request.app.state.simulator
    return sim


def _page(title: str, body: str, status_code: int = 200) -> HTMLResponse:
    html = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>{body}</body></html>"
    )
    return HTMLResponse(html, status_code=status_code)


def _phone_href(phone: str) -> str:
    return "/phone/" + quote(phone, safe="")


async def index(request: Request) -> Response:
    sim = _sim(request)
    phones = sim.store.phones(set(sim.config.provider_numbers))
    items = "".join(f'<li><a href="{_phone_href(p)}">{escape(p)}</a></li>' for p in phones)
    listing = f"<ul>{items}</ul>" if phones else "<p>No phone has received a message yet.</p>"
    body = (
        "<h1>Simulated phones</h1>"
        '<form method="get" action="/phone/open">'
        '<label for="number">Open a phone number (E.164, like +12015550123)</label>'
        '<input type="text" id="number" name="number" required placeholder="+12015550123">'
        ' <button type="submit">Open</button></form>'
        f"<h2>Phones with messages</h2>{listing}"
    )
    return _page("Simulated phones", body)


async def open_phone(request: Request) -> Response:
    number = "".join(request.query_params.get("number", "").split())
    if number and not number.startswith("+"):
        number = "+" + number
    return RedirectResponse(_phone_href(number), status_code=303)


def _media_html(index: int, media: SimMedia) -> str:
    href = f"/phone/media/{escape(media.sid)}"
    if media.content_type.startswith("image/"):
        return f'<img src="{href}" alt="attachment {index + 1}">'
    return f'<a href="{href}">attachment {index + 1} ({escape(media.content_type)})</a>'


def _message_html(sim: Simulator, message: SimMessage) -> str:
    inbound = message.direction == "inbound"
    who = f"You → {message.to}" if inbound else f"{message.from_} → you"
    status = message.status + (f" (error {message.error_code})" if message.error_code else "")
    images = "".join(_media_html(index, media) for index, media in enumerate(message.media))
    error = ""
    if inbound and message.webhook_ok is False:
        problem = escape(message.webhook_result or "")
        error = f'<div class="err">Not delivered to the app: {problem}</div>'
    when = message.date_created.strftime("%H:%M:%S")
    return (
        f'<li class="msg {"in" if inbound else "out"}">'
        f'<div class="meta">{escape(who)} · {when} UTC · {escape(status)}</div>'
        f"<div>{escape(message.body)}</div>{images}{error}</li>"
    )


def _conversation_html(sim: Simulator, phone: str) -> str:
    messages = sim.store.conversation(phone)
    if not messages:
        return "<p>No messages yet.</p>"
    return "<ul>" + "".join(_message_html(sim, m) for m in messages) + "</ul>"


async def conversation_fragment(request: Request) -> Response:
    return HTMLResponse(_conversation_html(_sim(request), request.path_params["phone"]))


def _phone_page(sim: Simulator, phone: str, error: str = "", status_code: int = 200) -> Response:
    choices = sim.store.providers_for(phone)
    choices += [n for n in sorted(sim.config.provider_numbers) if n not in choices]
    options = "".join(f'<option value="{escape(n)}">' for n in choices)
    default = escape(choices[0]) if choices else ""
    href = _phone_href(phone)
    error_html = f'<p class="err" role="alert">{escape(error)}</p>' if error else ""
    body = (
        f'<p><a href="/phone">All phones</a></p><h1>Phone {escape(phone)}</h1>'
        f'<div id="conversation" aria-live="polite">{_conversation_html(sim, phone)}</div>'
        f'<h2>Reply</h2>{error_html}<form method="post" action="{href}/reply" '
        'enctype="multipart/form-data">'
        '<label for="to">To (provider number)</label>'
        f'<input type="text" id="to" name="to" list="providers" value="{default}" required>'
        f'<datalist id="providers">{options}</datalist>'
        '<label for="body">Message</label><textarea id="body" name="body" rows="3"></textarea>'
        '<label for="media">Picture (optional)</label>'
        '<input type="file" id="media" name="media" accept="image/*">'
        '<p><button type="submit">Send</button></p></form>'
        "<script>setInterval(async()=>{try{const r=await fetch("
        f'"{href}/messages");if(r.ok)document.getElementById("conversation").innerHTML='
        "await r.text();}catch(e){}},2000);</script>"
    )
    return _page(f"Phone {phone}", body, status_code)


async def phone(request: Request) -> Response:
    return _phone_page(_sim(request), request.path_params["phone"])


async def reply(request: Request) -> Response:
    sim = _sim(request)
    number = request.path_params["phone"]
    form = await request.form()
    media: list[tuple[str, bytes]] = []
    upload = form.get("media")
    if isinstance(upload, UploadFile) and upload.filename:
        data = await upload.read()
        if len(data) > MAX_UPLOAD:
            return _phone_page(sim, number, "The picture is larger than 5 MB.", 400)
        if data:
            media.append((upload.content_type or "application/octet-stream", data))
    try:
        await sim.receive_from_phone(
            phone=number,
            provider=str(form.get("to", "")),
            body=str(form.get("body", "")),
            media=media,
        )
    except InboundError as exc:
        return _phone_page(sim, number, str(exc), 400)
    return RedirectResponse(_phone_href(number), status_code=303)


async def media(request: Request) -> Response:
    found = _sim(request).store.find_media(request.path_params["media_sid"])
    if found is None:
        return Response("Not found", status_code=404)
    headers = {"X-Content-Type-Options": "nosniff", "Content-Security-Policy": "sandbox"}
    return Response(found[1].data, media_type=found[1].content_type, headers=headers)


routes = [
    Route("/phone", index, methods=["GET"]),
    Route("/phone/open", open_phone, methods=["GET"]),
    Route("/phone/media/{media_sid}", media, methods=["GET"]),
    Route("/phone/{phone}", phone, methods=["GET"]),
    Route("/phone/{phone}/messages", conversation_fragment, methods=["GET"]),
    Route("/phone/{phone}/reply", reply, methods=["POST"]),
]
