"""The built website as a reader sees it, in a real browser (headless Chromium driven by Selenium).

The site in ``_build/html`` (``./course book``) is served from a local HTTP server. For every
page of the table of contents: it loads with no console error, no failed request and no request
leaving the site; every image has loaded and has alt text; every formula has been typeset by
MathJax; every internal link and anchor resolves; lesson, exercise and solution pages have a
Colab button whose notebook exists in the repository. The search page finds "dropout" in
lesson 4, and lesson pages do not scroll sideways on a phone (390 px wide). Screenshots of the
landing page and lesson 1, at desktop and phone width, are written to ``_build/screenshots``.

Needs Debian's ``chromium`` and ``chromium-driver`` (``apt-get install chromium chromium-driver``)
and the ``selenium`` package; nothing is downloaded at run time. Without a built site or a
browser every test here is skipped with the reason; with ``NNCOURSE_REQUIRE_SITE=1`` (CI) they
fail instead. ``NNCOURSE_SITE=path/to/html`` tests another build of the site.
"""

from __future__ import annotations

import base64
import functools
import http.server
import json
import os
import re
import shutil
import tempfile
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml

from nncourse import notebooks

ROOT = Path(__file__).resolve().parent.parent
SITE = Path(os.environ.get("NNCOURSE_SITE") or ROOT / "_build" / "html").resolve()
SCREENSHOTS = SITE.parent / "screenshots"
REQUIRED = os.environ.get("NNCOURSE_REQUIRE_SITE", "") not in ("", "0")
DESKTOP = (1280, 900)
PHONE = (390, 844)
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",  # needed as root (CI); harmless otherwise for a local site
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--hide-scrollbars",
]
# Raw TeX that MathJax leaves in the text when it did not typeset a formula.
RAW_TEX = re.compile(r"\$\$|\\frac|\\begin|\\\(|\\\[")


def toc_pages() -> list[str]:
    """Every page of ``_toc.yml`` as the path of its HTML file in the site, root first."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    pages = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                pages.append(entry["file"])
            walk(entry.get("sections"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return [re.sub(r"\.(md|ipynb)$", "", page) + ".html" for page in pages]


PAGES = toc_pages()
LESSON_PAGES = [page for page in PAGES if page.startswith("lessons/")]
NOTEBOOK_FOLDERS = ("lessons/", "exercises/", "solutions/")


def find_browser() -> tuple[str | None, str | None, str]:
    """Return ``(chromium, chromedriver, why not)``; the paths are None when missing."""
    chromium = next(
        (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None
    )
    driver = shutil.which("chromedriver") or next(
        (p for p in ("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver") if os.access(p, os.X_OK)), None
    )
    try:
        import selenium  # noqa: F401
    except ImportError:
        return chromium, driver, "selenium is not installed (pip install -r requirements.txt)"
    if not chromium or not driver:
        return chromium, driver, "no chromium/chromedriver (on Debian: apt-get install chromium chromium-driver)"
    return chromium, driver, ""


def why_not_run() -> str:
    """Why the browser test cannot run here, or "" when it can."""
    if not (SITE / "index.html").is_file():
        return f"the site is not built ({SITE} has no index.html; run ./course book)"
    return find_browser()[2]


WHY_NOT = why_not_run()
if WHY_NOT and REQUIRED:
    pytest.fail(f"the browser test cannot run: {WHY_NOT} (NNCOURSE_REQUIRE_SITE is set)", pytrace=False)
if WHY_NOT:
    pytest.skip(f"browser test of the site: {WHY_NOT}", allow_module_level=True)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def base_url():
    handler = functools.partial(QuietHandler, directory=str(SITE))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


class Browser:
    """A headless Chromium that reports, for each page it opens, what went wrong loading it."""

    def __init__(self, chromium: str, chromedriver: str, profile: str):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        options = webdriver.ChromeOptions()
        options.binary_location = chromium
        for flag in [*CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--window-size={DESKTOP[0]},{DESKTOP[1]}"]:
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
        self.driver = webdriver.Chrome(options=options, service=Service(executable_path=chromedriver))
        self.driver.set_page_load_timeout(60)
        self.driver.set_script_timeout(60)
        self.phone(False)

    def phone(self, on: bool):
        width, height = PHONE if on else DESKTOP
        self.driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": on},
        )

    def open(self, url: str) -> list[str]:
        """Load ``url``, wait for its images and formulas; return what went wrong loading it."""
        self.driver.get_log("browser")  # drop what earlier pages left
        self.driver.get_log("performance")
        self.driver.get(url)
        self.driver.execute_async_script(WAIT_FOR_IMAGES_AND_MATH)
        origin = "{0.scheme}://{0.netloc}/".format(urlsplit(url))
        problems = []
        for entry in self.driver.get_log("browser"):
            if entry["level"] == "SEVERE":
                problems.append(f"console error: {entry['message'][:300]}")
        requested = {}
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            method, params = message.get("method"), message.get("params", {})
            if method == "Network.requestWillBeSent":
                request_url = params["request"]["url"]
                requested[params["requestId"]] = request_url
                if not request_url.startswith((origin, "data:", "blob:", "about:")):
                    problems.append(f"request leaving the site: {request_url[:200]}")
            elif method == "Network.responseReceived" and params["response"]["status"] >= 400:
                problems.append(
                    f"failed request: {params['response']['url'][:200]} (HTTP {params['response']['status']})"
                )
            elif method == "Network.loadingFailed" and not params.get("canceled"):
                failed = requested.get(params["requestId"], params["requestId"])
                problems.append(f"failed request: {failed[:200]} ({params.get('errorText')})")
        return sorted(set(problems))

    def run(self, script: str, *args):
        return self.driver.execute_script(script, *args)

    def screenshot(self, path: Path, full_page: bool):
        size = self.run("return [window.innerWidth, document.documentElement.scrollHeight]")
        height = size[1] if full_page else self.run("return window.innerHeight")
        shot = self.driver.execute_cdp_cmd(
            "Page.captureScreenshot",
            {
                "format": "png",
                "captureBeyondViewport": full_page,
                "clip": {"x": 0, "y": 0, "width": size[0], "height": min(height, 16000), "scale": 1},
            },
        )
        path.write_bytes(base64.b64decode(shot["data"]))

    def quit(self):
        self.driver.quit()


# Runs in the page: make lazy images load, then wait (at most 30 s) for every image and for
# MathJax's first typesetting pass; calls back with nothing.
WAIT_FOR_IMAGES_AND_MATH = """
const done = arguments[arguments.length - 1];
const images = [...document.images].map(img => {
  img.loading = "eager";
  return img.complete ? Promise.resolve() : new Promise(ok => { img.onload = img.onerror = ok; });
});
const math = (window.MathJax && MathJax.startup && MathJax.startup.promise) || Promise.resolve();
const timeout = new Promise(ok => setTimeout(ok, 30000));
Promise.race([Promise.all([...images, math.catch(() => null)]), timeout]).then(() => done(null));
"""

# Runs in the page: everything the page tests need from the DOM.
READ_PAGE = """
const article = document.querySelector("main article") || document.querySelector("main") || document.body;
const images = [...document.images].map(img => ({
  src: img.currentSrc || img.src, alt: (img.getAttribute("alt") || "").trim(),
  width: img.naturalWidth, complete: img.complete,
}));
const text = article.cloneNode(true);
text.querySelectorAll("pre, code, script, style, mjx-container, textarea").forEach(e => e.remove());
const untypeset = [...article.querySelectorAll(".math")]
  .filter(e => !e.querySelector("mjx-container")).map(e => e.textContent.replace(/\\s+/g, " ").trim().slice(0, 120));
// MathJax shows a TeX error in an merror element, and an unknown command in red (noundefined).
const errors = [...article.querySelectorAll("mjx-merror, [data-mjx-error]")]
  .map(e => (e.getAttribute("data-mjx-error") || e.textContent).slice(0, 120))
  .concat([...article.querySelectorAll("mjx-assistive-mml mtext[mathcolor=red]")]
    .filter(e => e.textContent.startsWith("\\\\")).map(e => `unknown command ${e.textContent}`));
return {
  images, untypeset, errors,
  formulas: article.querySelectorAll("mjx-container").length,
  text: text.textContent,
  links: [...document.querySelectorAll("a[href]")].map(a => a.href),
};
"""

# Runs in the page: what makes the page wider than the screen, outside elements that scroll
# on their own (code cells, outputs and wide formulas scroll inside their box).
SIDEWAYS = """
const width = document.documentElement.clientWidth;
const scrolls = e => ["auto", "scroll", "hidden", "clip"].includes(getComputedStyle(e).overflowX);
const article = document.querySelector("main article") || document.body;
const found = [];
for (const e of article.querySelectorAll("*")) {
  const box = e.getBoundingClientRect();
  if (box.width === 0 || (box.right <= width + 1 && box.left >= -1)) continue;
  let inside = false;
  for (let a = e.parentElement; a && a !== article; a = a.parentElement) {
    if (scrolls(a)) { inside = true; break; }
  }
  if (inside) continue;
  const what = e.tagName.toLowerCase() + (e.className && typeof e.className === "string" ? "." + e.className.trim().split(/\\s+/).join(".") : "");
  found.push(`${what} (${Math.round(box.left)}..${Math.round(box.right)} px): ${(e.textContent || "").trim().slice(0, 60)}`);
}
return {width, scrollWidth: document.documentElement.scrollWidth, found: found.slice(0, 8)};
"""


@pytest.fixture(scope="module")
def browser(base_url, tmp_path_factory):
    chromium, chromedriver, _ = find_browser()
    profile = tempfile.mkdtemp(prefix="chromium-profile-", dir=tmp_path_factory.getbasetemp())
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must never download a driver
    browser = Browser(chromium, chromedriver, profile)
    yield browser
    browser.quit()


@functools.cache
def anchors_in(path: Path) -> frozenset[str]:
    text = path.read_text(encoding="utf-8", errors="replace")
    return frozenset(re.findall(r'\s(?:id|name)="([^"]+)"', text))


def broken_internal_link(url: str, base_url: str) -> str | None:
    """Why ``url`` (a link on a page of the site) does not resolve, or None when it does."""
    parts = urlsplit(url)
    if not url.startswith(base_url):
        return None
    target = SITE / unquote(parts.path[len(urlsplit(base_url).path) :])
    if parts.path.endswith("/"):
        target = target / "index.html"
    if not target.is_file():
        return f"{url[len(base_url) :]}: no such file in the site"
    fragment = unquote(parts.fragment)
    if fragment and target.suffix == ".html" and fragment not in anchors_in(target):
        return f"{url[len(base_url) :]}: no anchor #{fragment} on that page"
    return None


def solutions_left_out() -> bool:
    """True for a site built with ``./course book --no-solutions``."""
    return not (SITE / "solutions").is_dir() and "solutions/" not in (SITE / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("page", PAGES)
def test_page_loads_with_images_formulas_and_links(browser, base_url, page):
    if page.startswith("solutions/") and solutions_left_out():
        pytest.skip("the site was built without the solution pages")
    assert (SITE / page).is_file(), f"{page} is in _toc.yml but not in the built site"
    problems = browser.open(base_url + page)
    seen = browser.run(READ_PAGE)

    for image in seen["images"]:
        name = image["src"].rsplit("/", 1)[-1][:60]
        if not image["complete"] or image["width"] == 0:
            problems.append(f"image did not load: {name}")
        if not image["alt"]:
            problems.append(f"image without alt text: {name}")

    for formula in seen["untypeset"]:
        problems.append(f"formula not typeset: {formula}")
    for error in seen["errors"]:
        problems.append(f"MathJax could not typeset a formula: {error}")
    for raw in sorted({m.group(0) for m in RAW_TEX.finditer(seen["text"])}):
        where = seen["text"].find(raw)
        context = " ".join(seen["text"][max(0, where - 50) : where + 50].split())
        problems.append(f"raw TeX {raw!r} in the text: ...{context}...")

    for link in sorted(set(seen["links"])):
        broken = broken_internal_link(link, base_url)
        if broken:
            problems.append(f"broken link {broken}")

    if page.startswith(NOTEBOOK_FOLDERS):
        url, branch = notebooks.repository_info(ROOT)
        prefix = f"https://colab.research.google.com/github/{url.removeprefix('https://github.com/')}/blob/{branch}/"
        colab = [link for link in seen["links"] if link.startswith("https://colab.research.google.com/")]
        if not colab:
            problems.append("no Colab button")
        for link in colab:
            notebook = link.removeprefix(prefix)
            if not link.startswith(prefix) or not notebook.endswith(".ipynb") or not (ROOT / notebook).is_file():
                problems.append(f"the Colab button opens {link}, which is not a notebook of the repository")

    assert not problems, f"{page}:\n  " + "\n  ".join(problems)


def test_math_is_served_by_the_site_itself(browser, base_url):
    """Formulas must render in a classroom with no internet: MathJax comes from _static."""
    page = next(p for p in LESSON_PAGES if "02-" in p) if any("02-" in p for p in LESSON_PAGES) else LESSON_PAGES[0]
    problems = browser.open(base_url + page)
    assert not problems, "\n".join(problems)
    source = browser.run("return [...document.scripts].map(s => s.src).filter(s => /mathjax/i.test(s))")
    assert source and all(s.startswith(base_url + "_static/") for s in source), f"MathJax is loaded from {source}"
    seen = browser.run(READ_PAGE)
    assert seen["formulas"] > 0 and not seen["untypeset"], f"{page}: formulas were not typeset: {seen['untypeset'][:3]}"


def test_search_finds_dropout_in_lesson_4(browser, base_url):
    from selenium.webdriver.support.ui import WebDriverWait

    problems = browser.open(base_url + "search.html?q=dropout")
    WebDriverWait(browser.driver, 30).until(
        lambda d: (
            "Search finished"
            in d.execute_script(
                "const s = document.querySelector('#search-results .search-summary'); return s ? s.textContent : ''"
            )
        )
    )
    results = browser.run("return [...document.querySelectorAll('#search-results ul.search li a')].map(a => a.href)")
    assert not problems, "\n".join(problems)
    assert any("lessons/04-regularisation.html" in r for r in results), f"searching 'dropout' found {results}"


@pytest.mark.parametrize("page", LESSON_PAGES)
def test_lesson_page_fits_a_phone(browser, base_url, page):
    browser.phone(True)
    try:
        browser.open(base_url + page)
        seen = browser.run(SIDEWAYS)
    finally:
        browser.phone(False)
    assert seen["scrollWidth"] <= seen["width"] and not seen["found"], (
        f"{page} at {PHONE[0]} px is {seen['scrollWidth']} px wide; wider than the screen:\n  "
        + "\n  ".join(seen["found"])
    )


def test_screenshots_for_a_person_to_look_at(browser, base_url):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    lesson = LESSON_PAGES[0]
    written = []
    for name, page in (("landing", "index.html"), ("lesson", lesson)):
        for device, on in (("desktop", False), ("phone", True)):
            browser.phone(on)
            try:
                browser.open(base_url + page)
                for suffix, full in (("", False), ("-full", True)):
                    path = SCREENSHOTS / f"{name}-{device}{suffix}.png"
                    browser.screenshot(path, full_page=full)
                    written.append(path)
            finally:
                browser.phone(False)
    for path in written:
        assert path.read_bytes().startswith(b"\x89PNG") and path.stat().st_size > 10_000, f"{path} is not a screenshot"
