"""A newsroom built from hostile content: every page, under the production CSP, runs no
author script and reports no violation.

The corpus passes the check (the sanitizer takes out what it must, with warnings): that is
the content a careless or hostile author gets merged. Every payload that would run calls
alert() or console.log(), and one same-origin file (payload.txt, a published attachment)
holds script, so an injected <script src> shows as a dialog, or as a console error when
nosniff stops it.
"""

from __future__ import annotations

import io
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from support import AS_OF, FIXTURES, Site

pytestmark = pytest.mark.browser

SLUG = "news/2026/hostile/"
PAYLOAD = f"/{SLUG}payload.txt"
BODY = f"""\
Aldercrest opened a lab.[^1]

<script>alert("XSS-script")</script>
<script src="payload.txt"></script>
<img src="lead.png" onerror="alert('XSS-onerror')" alt="">
<svg onload="alert('XSS-svg')"><script>alert('XSS-svg-script')</script></svg>
<math><mtext><table><mglyph><style><img src=lead.png onerror=alert('XSS-mxss')></style>
</mglyph></table></mtext></math>

<a href="javascript:alert('XSS-js')">js</a>
<a href="jav&#x09;ascript:alert('XSS-tab')">tab</a>
<a href="&#106;avascript:alert('XSS-entity')">entity</a>
<a href="JaVaScRiPt&colon;alert('XSS-colon')">colon</a>
[markdown link](javascript:alert('XSS-md'))
<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>
<img src="data:image/svg+xml,<svg onload=alert('XSS-data')>" alt="">
<a href="vbscript:msgbox(1)">vb</a>

<iframe src="payload.txt"></iframe>
<iframe srcdoc="<script>alert('XSS-srcdoc')</script>"></iframe>
<object data="payload.txt"></object><embed src="payload.txt">
<form action="javascript:alert('XSS-form')"><input autofocus onfocus="alert('XSS-focus')">
<button formaction="javascript:alert('XSS-button')">Go</button></form>
<details open ontoggle="alert('XSS-toggle')"><summary>More</summary>Text</details>
<style>body {{ background: url("javascript:alert('XSS-css')") }} main {{ display: none }}</style>
<p style="position:fixed;inset:0;background:red">EMBARGOED UNTIL 1 January</p>
<p class="embargo-banner" id="main">EMBARGOED UNTIL 1 January</p>
<meta http-equiv="refresh" content="0;url=javascript:alert('XSS-refresh')">
<base href="javascript:alert('XSS-base')//">
<link rel="stylesheet" href="payload.txt">
<noscript><p title="</noscript><img src=lead.png onerror=alert('XSS-noscript')>"></p></noscript>
<!--><script>alert('XSS-comment')</script>-->
<template><script>alert('XSS-template')</script></template>
<textarea><script>alert('XSS-textarea')</script></textarea>
<video><source onerror="alert('XSS-video')"></video>
<a href="#" onclick="alert('XSS-click')">click</a>
<div markdown="1" onmouseover="alert('XSS-mdhtml')">*inside*</div>

<abbr title="href='{{filename}}/media/R&D.png?&quot;&gt;&lt;script src=&quot;{PAYLOAD}&quot;&gt;&lt;/script&gt;'">R&amp;D</abbr>
<abbr title="&quot;&gt;&lt;script&gt;alert('XSS-attr')&lt;/script&gt;">attr</abbr>

Styled paragraph
{{: onclick="alert('XSS-attrlist')" .embargo-banner #main }}

[^1]: A footnote <img src=lead.png onerror=alert('XSS-footnote')>
"""
SCRIPT_TEXT = "<script>alert('XSS-field')</script>"
RELEASE = f"""\
---
title: "Lab opens </title>{SCRIPT_TEXT}"
subtitle: "</h2>{SCRIPT_TEXT}"
date: 2026-05-01 09:00 Europe/Berlin
dateline: "<img src=x onerror=alert('XSS-dateline')>"
category: products
tags: ["{SCRIPT_TEXT}", "\\" onmouseover=\\"alert('XSS-tag')", "launch"]
summary: "</script>{SCRIPT_TEXT} \\u2028 end"
contacts: [press, hostile]
boilerplate: hostile
image:
  file: lead.png
  alt: "\\"><script>alert('XSS-alt')</script>"
  caption: "{SCRIPT_TEXT}"
  credit: "</figcaption>{SCRIPT_TEXT}"
attachments:
  - file: payload.txt
    title: "{SCRIPT_TEXT}"
updates:
  - date: 2026-05-02 09:00 Europe/Berlin
    note: "<img src=lead.png onerror=alert('XSS-note')> [x](javascript:alert('XSS-note-link'))"
---
{BODY}"""
PAGE = f"""\
---
title: "{SCRIPT_TEXT}"
summary: "\\"><script>alert('XSS-page-summary')</script>"
---
{BODY.replace("lead.png", "/media/R&D.png").replace("payload.txt", PAYLOAD)}"""
CONTACT = f"""
hostile:
  name: "{SCRIPT_TEXT}"
  role: "<img src=x onerror=alert('XSS-role')>"
  email: press@example.com
  translations:
    de:
      role: "<img src=x onerror=alert('XSS-role-de')>"
"""
BOILERPLATE = """
hostile:
  title: "<script>alert('XSS-boilerplate-title')</script>"
  text: "About us <img src=x onerror=alert('XSS-boilerplate')> <script>alert(1)</script>"
"""


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 60, 60)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    shutil.copytree(FIXTURES / "basic", root / "site")
    site = Site(root / "site")
    site.write("releases/2026/hostile.md", RELEASE)
    site.write("releases/2026/hostile/lead.png", _png())
    site.write("releases/2026/hostile/payload.txt", "alert('XSS-payload'); console.log('XSS')\n")
    site.write("media/R&D.png", _png())
    site.write("pages/hostile.md", PAGE)
    site.write("pages/de/hostile.md", PAGE)
    contacts = site.path / "data/contacts.yml"
    contacts.write_text(contacts.read_text("utf-8") + CONTACT, encoding="utf-8")
    boilerplates = site.path / "data/boilerplates.yml"
    boilerplates.write_text(boilerplates.read_text("utf-8") + BOILERPLATE, encoding="utf-8")
    errors = [p.text() for p in site.load().problems if p.is_error]
    assert errors == []
    site.build(root / "output", as_of=AS_OF)
    return root / "output"


def _pages(output: Path) -> list[str]:
    """Every page a reader can open. Feeds are left out: Chromium shows XML in a viewer of
    its own, whose inline styles the CSP blocks. The editor at /admin/ is IT's code."""
    found = [
        p.relative_to(output).as_posix()
        for p in sorted(output.rglob("*"))
        if p.suffix == ".html" and not p.relative_to(output).as_posix().startswith("admin/")
    ]
    return [f.removesuffix("index.html") for f in found]


# Chromium's word on the host's Permissions-Policy header, which is no author's doing.
_HOST_NOTICE = re.compile(r"Error with Permissions-Policy header: Unrecognized feature")

# Fires what an author may have wired a handler to, on everything in the page.
_PROVOKE = """() => {
  for (const el of document.querySelectorAll('body *'))
    for (const type of ['mouseover', 'focus', 'toggle', 'error', 'load', 'animationstart'])
      el.dispatchEvent(new Event(type));
}"""

# What author content must never carry once it is on a page, checked in the browser's DOM.
_DOM_CHECK = """(selector) => {
  const bad = [];
  for (const root of document.querySelectorAll(selector)) {
    for (const el of root.querySelectorAll('*')) {
      const tag = el.tagName.toLowerCase();
      if (['script','style','iframe','object','embed','form','input','button','meta','base',
           'link','svg','math','textarea','template','video','source','noscript'].includes(tag))
        bad.push('<' + tag + '>');
      for (const a of el.attributes) {
        const v = a.value.replace(/[\\x00-\\x20]/g, '').toLowerCase();
        if (a.name.startsWith('on') || a.name === 'style' || a.name === 'class' ||
            (a.name === 'id' && !/^fn(ref\\d*)?:/.test(a.value)) ||
            /^(javascript|data|vbscript):/.test(v))
          bad.push(tag + ' ' + a.name + '=' + a.value);
      }
    }
  }
  return bad;
}"""


def test_no_author_script_runs_on_any_page(
    browser: object, hostile_site: Path, serve_secure: Callable[[Path], str]
) -> None:
    base = serve_secure(hostile_site)
    pages = _pages(hostile_site)
    assert f"{SLUG}" in pages and "hostile/" in pages and "tags/launch/" in pages
    context = browser.new_context()  # type: ignore[attr-defined]
    context.add_init_script(
        "window.__csp = []; document.addEventListener('securitypolicyviolation', "
        "(e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    events: list[str] = []
    outside: list[str] = []
    page = context.new_page()
    page.on("dialog", lambda d: (events.append(f"dialog {d.message}"), d.dismiss()))
    page.on("console", lambda m: _HOST_NOTICE.match(m.text) or events.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: events.append(f"error {e}"))
    page.route(
        "**/*",
        lambda r: (
            r.continue_()
            if r.request.url.startswith(base)
            else (outside.append(r.request.url), r.abort())
        ),
    )
    violations: dict[str, list[str]] = {}
    for path in pages:
        page.goto(f"{base}/{path}", wait_until="load")
        # Focus, hover and click everything an author may have wired a handler to.
        page.evaluate(_PROVOKE)
        found = page.evaluate("window.__csp || []")
        if found:
            violations[path] = found
    # Search results are put on the page by script, from Pagefind's copy of the text.
    page.goto(f"{base}/search/")
    page.locator(".search-filters:not([hidden])").wait_for()
    page.fill("#search-q", "XSS")
    page.press("#search-q", "Enter")
    page.locator(".search-status:not(:empty)").wait_for()
    assert "Lab opens" in " ".join(page.locator(".search-results h2 a").all_inner_texts())
    shown = page.locator(".search-results li").filter(has_text="Lab opens").locator("p")
    summary = shown.text_content()
    page.evaluate(_PROVOKE)
    if page.evaluate("window.__csp"):
        violations["search"] = page.evaluate("window.__csp")
    # Author markup that survived into the page, where readers see it.
    page.goto(f"{base}/{SLUG}")
    # The summary in the results, as text, is the one in the page's head, where Pagefind read it.
    assert summary == page.locator("meta[name=description]").get_attribute("content")
    assert summary is not None and "<script>" in summary
    leftovers = page.evaluate(_DOM_CHECK, ".release-body, .updates .prose")
    page.goto(f"{base}/hostile/")
    leftovers += page.evaluate(_DOM_CHECK, "main .prose")
    context.close()
    assert events == []
    assert violations == {}
    assert outside == []
    assert leftovers == []
