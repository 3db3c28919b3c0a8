#!/usr/bin/env python3
"""Checks planwatch's HTML pages with independent tools.

    check_html.py parse PAGE.html
        parse with html5lib in strict mode (any HTML5 parse error fails) and
        refuse scripts, event handlers and anything that would load from elsewhere
    check_html.py browser PAGE.html PROGRESS.json SCREENSHOT.png
        open the page in headless Chromium through the DevTools protocol, which
        records every request the page makes (a control page proves it sees one:
        any request but the page's own file fails), and check the DOM Chromium
        built: every partnership of the progress report appears in the overview
        and has its section, its overdue count is the report's, and each RAG bar's
        segments carry the report's counts and are drawn with widths in proportion
        to them; save a screenshot
    check_html.py parse-served PAGE.html
        the same, for a page of planwatch serve: links and forms may point to the
        serving site's own paths ('/actions/2'), never to another site
    check_html.py web BASE_URL OFFICER INSPECTOR PASSWORD ACTION NEW_DEADLINE
        use planwatch serve in headless Chromium as people do, typing into its
        forms and pressing its buttons: the officer logs in, records an update
        and requests an extension (the deadline stands); logs out; the inspector
        logs in, finds the request in the queue and agrees it; the follow page
        shows the new deadline; no request leaves the site
    check_html.py pdf FILE.pdf PROGRESS.json FOLDER
        turn the PDF into PNG pages with pdftoppm and check with pdftotext that
        each partnership's section starts a page of its own

Prints one line per problem. Exits 0 when all is well, 1 with problems, 2 when
a tool is missing (scripts/test installs them).
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser

RAGS = ["red", "amber", "green", "complete", "withdrawn"]


def need(tool):
    path = shutil.which(tool)
    if path is None:
        print(f"{tool} is missing: run scripts/test, which installs what the tests need", file=sys.stderr)
        sys.exit(2)
    return path


def chromium():
    for name in ["chromium", "chromium-browser", "google-chrome"]:
        if shutil.which(name):
            return shutil.which(name)
    print("chromium is missing (Debian package chromium): run scripts/test, which installs what the tests need", file=sys.stderr)
    sys.exit(2)


def same_site(value):
    """A path on the serving site itself: '/actions/2', never '//elsewhere' or a scheme."""
    return value.startswith("/") and not value.startswith("//") and ":" not in value.split("?")[0]


def parse(path, served=False):
    try:
        import html5lib
    except ImportError:
        print("the Python package html5lib is missing: run scripts/test", file=sys.stderr)
        return 2
    with open(path, "rb") as f:
        data = f.read()
    problems = []
    try:
        html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(data)
    except Exception as error:  # html5lib raises ParseError with the position
        problems.append(f"not well-formed HTML5: {error}")
    elements = Elements(served)
    elements.feed(data.decode("utf-8"))
    problems += elements.problems
    for p in problems[:20]:
        print(p, file=sys.stderr)
    return 1 if problems else 0


class Elements(HTMLParser):
    """Collects what a self-contained page must not have, and the dashboard's marked elements."""

    def __init__(self, served=False):
        super().__init__(convert_charrefs=True)
        # A page planwatch serve sends may link and post to its own site, and nowhere else.
        self.served = served
        self.problems = []
        self.overview = []      # partnership keys of the overview rows, in order
        self.sections = []      # partnership keys of the sections, in order
        self.bars = {}          # (where, key) -> [(rag, count, width)]
        self.overdue = {}       # key -> the overview's overdue count
        self.where = None
        self.key = None
        self.text = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            self.problems.append("a <script> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"an event handler attribute {name} on <{tag}>")
            if self.served and name in ("href", "action") and value and same_site(value):
                continue
            if name in ("src", "srcset", "data", "poster", "action", "formaction"):
                self.problems.append(f"<{tag} {name}=...> would load {value!r}")
            if name in ("href", "xlink:href") and value and not value.startswith("#"):
                self.problems.append(f"<{tag} {name}={value!r}> points outside the page")
            if name == "style" and value and "url(" in value and "url(#" not in value:
                self.problems.append(f"<{tag} style> loads {value!r}")
        if tag == "link":
            self.problems.append(f"a <link> element {a}")
        if tag == "tr" and "overview-row" in (a.get("class") or "").split():
            self.where, self.key = "overview", a.get("data-partnership")
            self.overview.append(self.key)
        if tag == "section" and "partnership" in (a.get("class") or "").split():
            self.where, self.key = "section", a.get("data-partnership")
            self.sections.append(self.key)
        if tag == "td" and "data-overdue" in a and self.where == "overview":
            self.overdue[self.key] = int(a["data-overdue"])
        if tag == "rect" and "seg" in (a.get("class") or "").split() and self.key is not None:
            self.bars.setdefault((self.where, self.key), []).append(
                (a.get("data-rag"), int(a.get("data-count", "-1")), float(a.get("width", "nan"))))

    def handle_endtag(self, tag):
        if tag == "tr" and self.where == "overview":
            self.where = self.key = None

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)


def check_bars(elements, progress):
    problems = []
    lines = progress["partnerships"]
    keys = [line["partnership"] for line in lines]
    if elements.overview != keys:
        problems.append(f"overview rows {elements.overview} are not the report's partnerships {keys}")
    if elements.sections != keys:
        problems.append(f"sections {elements.sections} are not the report's partnerships {keys}")
    for line in lines:
        key = line["partnership"]
        if elements.overdue.get(key) != line["overdue"]:
            problems.append(f"{key}: the overview says {elements.overdue.get(key)} overdue, the JSON report {line['overdue']}")
        for where in ("overview", "section"):
            bar = elements.bars.get((where, key))
            if bar is None:
                problems.append(f"{key}: no RAG bar in its {where}")
                continue
            if [s[0] for s in bar] != RAGS:
                problems.append(f"{key} ({where}): segments {[s[0] for s in bar]}, expected {RAGS}")
                continue
            total = sum(line[r] for r in RAGS)
            width = sum(s[2] for s in bar)
            for rag, count, w in bar:
                if count != line[rag]:
                    problems.append(f"{key} ({where}): {rag} segment counts {count}, the JSON report {line[rag]}")
                expected = 0 if total == 0 else width * line[rag] / total
                if abs(w - expected) > 0.15:
                    problems.append(f"{key} ({where}): {rag} segment is {w} wide, expected {expected:.1f} of {width}")
    return problems


class DevTools:
    """Headless Chromium driven over the DevTools protocol on a pipe (--remote-debugging-pipe):
    no websocket library, and it sees every request the page itself makes."""

    def __init__(self, browser, profile):
        to_child_r, self.to_child = os.pipe()
        self.from_child, from_child_w = os.pipe()
        os.set_inheritable(to_child_r, True)
        os.set_inheritable(from_child_w, True)

        def fds():
            os.dup2(to_child_r, 3)
            os.dup2(from_child_w, 4)

        self.process = subprocess.Popen(
            [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
             "--hide-scrollbars", f"--user-data-dir={profile}", "--remote-debugging-pipe", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=fds, close_fds=False)
        os.close(to_child_r)
        os.close(from_child_w)
        self.buffer = b""
        self.next_id = 0
        self.events = []
        self.session = None

    def send(self, method, params=None, session=True):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        os.write(self.to_child, json.dumps(message).encode() + b"\0")
        while True:
            reply = self.read()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def read(self):
        while b"\0" not in self.buffer:
            chunk = os.read(self.from_child, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def open(self, url, width=1200, height=1600):
        target = self.send("Target.createTarget", {"url": "about:blank"}, session=False)["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True}, session=False)["sessionId"]
        self.send("Network.enable")
        self.send("Page.enable")
        self.send("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
        self.events = []
        self.send("Page.navigate", {"url": url})
        while not any(e.get("method") == "Page.loadEventFired" for e in self.events):
            self.events.append(self.read())
        # Let anything the page would start after load start too.
        self.send("Runtime.evaluate", {"expression": "new Promise(r => setTimeout(r, 500))", "awaitPromise": True})

    def requests(self):
        return [e["params"]["request"]["url"] for e in self.events if e.get("method") == "Network.requestWillBeSent"]

    def evaluate(self, expression):
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        return result.get("result", {}).get("value")

    def close(self):
        try:
            self.send("Browser.close", session=False)
        except Exception:
            pass
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


# The rendered width of each RAG segment, read from the layout Chromium made, not from the markup.
SEGMENTS = """JSON.stringify([...document.querySelectorAll('rect.seg')].map(r => {
  const owner = r.closest('[data-partnership]');
  return [owner.tagName.toLowerCase() === 'tr' ? 'overview' : 'section', owner.dataset.partnership,
          r.dataset.rag, Number(r.dataset.count), r.getBoundingClientRect().width,
          r.ownerSVGElement.getBoundingClientRect().width];
}))"""


def browser(page, progress_path, screenshot):
    import base64
    browser = chromium()
    with open(progress_path) as f:
        progress = json.load(f)
    problems = []
    with tempfile.TemporaryDirectory() as work:
        tools = DevTools(browser, os.path.join(work, "profile"))
        try:
            # The control: a page that loads an image from elsewhere must be seen doing so, or the check proves nothing.
            control = os.path.join(work, "control.html")
            with open(control, "w") as f:
                f.write('<!DOCTYPE html><title>control</title><img src="http://planwatch-control.invalid/x.png">')
            tools.open("file://" + control)
            if not any("planwatch-control.invalid" in r for r in tools.requests()):
                problems.append(f"the control page's request was not seen ({tools.requests()}): the check cannot be trusted")
            url = "file://" + os.path.abspath(page)
            tools.open(url)
            left = [r for r in tools.requests() if r != url and not r.startswith("data:")]
            if left:
                problems.append(f"the page made {len(left)} requests: {left[:5]}")
            dom = tools.evaluate("document.documentElement.outerHTML") or ""
            elements = Elements()
            elements.feed(dom)
            problems += elements.problems
            problems += check_bars(elements, progress)
            for where, key, rag, count, width, bar in json.loads(tools.evaluate(SEGMENTS) or "[]"):
                line = next((l for l in progress["partnerships"] if l["partnership"] == key), None)
                if line is None:
                    continue
                total = sum(line[r] for r in RAGS)
                expected = 0 if total == 0 else bar * line[rag] / total
                if abs(width - expected) > 1.0:
                    problems.append(f"{key} ({where}): the {rag} segment is drawn {width:.1f}px wide, expected {expected:.1f}px")
            metrics = tools.send("Page.getLayoutMetrics")
            height = int(metrics.get("cssContentSize", metrics.get("contentSize", {})).get("height", 1600))
            shot = tools.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True,
                                                          "clip": {"x": 0, "y": 0, "width": 1200, "height": min(height, 4000), "scale": 1}})
            with open(screenshot, "wb") as f:
                f.write(base64.b64decode(shot["data"]))
        finally:
            tools.close()
    for p in problems[:30]:
        print(p, file=sys.stderr)
    return 1 if problems else 0


def pdf(path, progress_path, folder):
    need("pdftoppm")
    need("pdftotext")
    with open(progress_path) as f:
        progress = json.load(f)
    problems = []
    os.makedirs(folder, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "40", path, os.path.join(folder, "page")], check=True)
    pages = sorted(p for p in os.listdir(folder) if p.endswith(".png"))
    if len(pages) < 1 + len(progress["partnerships"]):
        problems.append(f"{len(pages)} PNG pages for {len(progress['partnerships'])} partnerships and the overview")
    firsts = []
    for number in range(1, len(pages) + 1):
        text = subprocess.run(["pdftotext", "-f", str(number), "-l", str(number), "-layout", path, "-"],
                              capture_output=True, check=True).stdout.decode("utf-8", errors="replace")
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        firsts.append(lines[0] if lines else "")
    for line in progress["partnerships"]:
        starts = [i + 1 for i, first in enumerate(firsts) if first == line["name"]]
        if len(starts) != 1:
            problems.append(f"{line['name']}: begins {len(starts)} pages (first lines of the pages: {firsts})")
    for p in problems[:20]:
        print(p, file=sys.stderr)
    print(json.dumps({"pages": len(pages), "firstLines": firsts}))
    return 1 if problems else 0


def web(base, officer, inspector, password, action, deadline):
    browser = chromium()
    problems = []
    with tempfile.TemporaryDirectory() as profile:
        tools = DevTools(browser, profile)
        try:
            def submit(script):
                """Runs a script that submits a form, and waits for the page it leads to."""
                tools.events = []
                tools.evaluate(script)
                while not any(e.get("method") == "Page.loadEventFired" for e in tools.events):
                    tools.events.append(tools.read())

            def text(selector):
                return tools.evaluate(f"(document.querySelector({json.dumps(selector)}) || {{}}).textContent || ''")

            def fill(values):
                return "".join(f"document.querySelector({json.dumps(k)}).value = {json.dumps(v)};" for k, v in values.items())

            def log_in(user):
                tools.open(base + "/login")
                submit(fill({"#user": user, "#password": password}) + "document.querySelector('form[action=\"/login\"]').submit()")
                if user not in text(".who"):
                    problems.append(f"after logging in as {user} the page names {text('.who')!r} (at {tools.evaluate('location.href')})")

            log_in(officer)
            tools.open(f"{base}/actions/{action}")
            before = text("#deadline")
            submit(fill({"#note": "Waiting list reviewed at the chief officers' group"}) + "document.querySelector('button[value=update]').click()")
            if "Progress update recorded." not in text(".flash"):
                problems.append(f"no confirmation of the update: {text('.problem') or text('main')[:200]!r}")
            submit(fill({"#to": deadline, "#reason": "Recruitment of two posts delayed"})
                   + "document.querySelector('form[action$=\"/extension\"] button').click()")
            if deadline not in text("#pending"):
                problems.append(f"the request is not shown as pending: {text('.problem') or text('main')[:200]!r}")
            if text("#deadline") != before:
                problems.append(f"the deadline moved to {text('#deadline')} before an inspector agreed it")
            submit("document.querySelector('form[action=\"/logout\"]').submit()")
            if not tools.evaluate("location.pathname") == "/login":
                problems.append(f"logging out led to {tools.evaluate('location.href')}")

            log_in(inspector)
            tools.open(base + "/queue")
            if deadline not in text(".request"):
                problems.append(f"the queue does not show the request: {text('main')[:200]!r}")
            submit("document.querySelector('.request button[value=agree]').click()")
            if "Extension agreed" not in text(".flash"):
                problems.append(f"no confirmation of the agreement: {text('.problem') or text('main')[:200]!r}")
            tools.open(f"{base}/actions/{action}")
            if text("#deadline") != deadline:
                problems.append(f"the action's deadline is {text('#deadline')!r}, not {deadline}")
            partnership = tools.evaluate("document.querySelector('a[href^=\"/partnerships/\"]').getAttribute('href')")
            tools.open(base + partnership)
            row = tools.evaluate(f"[...document.querySelectorAll('tr')].filter(r => r.querySelector('a[href=\"/actions/{action}\"]'))"
                                 ".map(r => r.textContent).join(' ')")
            if deadline not in (row or ""):
                problems.append(f"the follow page's row for action {action} does not show {deadline}: {row!r}")
            outside = [u for u in tools.requests() if not u.startswith(base)]
            if outside:
                problems.append(f"requests left the site: {outside[:3]}")
        finally:
            tools.close()
    for p in problems:
        print(p, file=sys.stderr)
    return 1 if problems else 0


def main(argv):
    if len(argv) == 3 and argv[1] == "parse":
        return parse(argv[2])
    if len(argv) == 8 and argv[1] == "web":
        return web(*argv[2:])
    if len(argv) == 3 and argv[1] == "parse-served":
        return parse(argv[2], served=True)
    if len(argv) == 5 and argv[1] == "browser":
        return browser(argv[2], argv[3], argv[4])
    if len(argv) == 5 and argv[1] == "pdf":
        return pdf(argv[2], argv[3], argv[4])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
