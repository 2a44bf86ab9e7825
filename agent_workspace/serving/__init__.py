"""The frontend built once and served: `build` compiles the pages with bun and node into
AW_WEB_DIR (once per install, upgrade or public URL); `serve` runs Reflex's production web
server on a private copy of that build, needing neither tool and writing nothing where the
code or the build live."""
