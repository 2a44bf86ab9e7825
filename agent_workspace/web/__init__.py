"""The app's HTTP side: routes under /api/ (provider webhooks, signed media), the ASGI guards
in front of every route (bodies, uploads, security headers), and the app's background tasks
(dispatcher, inbound router, live pushes)."""
