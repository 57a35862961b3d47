"""A minimal W3C WebDriver client for chromedriver (Debian packages chromium + chromium-driver).

Only what the report page test needs: open a file, run a script, read the browser console, take a
screenshot. Talks to chromedriver over HTTP on an OS-assigned port of 127.0.0.1; no Python dependency.
"""

from __future__ import annotations

import base64
import json
import shutil
import socket
import subprocess
import time
import urllib.request

INSTALL_HINT = "install them with tools/install-browser (make browser; Debian packages chromium and chromium-driver)"


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Chromium:
    """A headless Chromium session; use as a context manager."""

    def __init__(self, width=1500, height=950):
        self.driver = shutil.which("chromedriver")
        self.browser = shutil.which("chromium")
        if not self.driver or not self.browser:
            raise AssertionError("chromium and chromedriver are needed for the report page test: " + INSTALL_HINT)
        self.size = (width, height)
        self.port = _free_port()
        self.process = None
        self.session = None

    def __enter__(self):
        self.process = subprocess.Popen([self.driver, "--port=%d" % self.port], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while True:
            try:
                if self._call("GET", "/status")["ready"]:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.__exit__(None, None, None)
                raise AssertionError("chromedriver did not start on port %d" % self.port)
            time.sleep(0.1)
        options = {"binary": self.browser,
                   "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                            "--window-size=%d,%d" % self.size]}
        capabilities = {"browserName": "chrome", "goog:chromeOptions": options, "goog:loggingPrefs": {"browser": "ALL"}}
        self.session = self._call("POST", "/session", {"capabilities": {"alwaysMatch": capabilities}})["sessionId"]
        return self

    def __exit__(self, *exc):
        try:
            if self.session:
                self._call("DELETE", "/session/%s" % self.session)
        finally:
            if self.process:
                self.process.terminate()
                self.process.wait(timeout=30)

    def _call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request("http://127.0.0.1:%d%s" % (self.port, path), data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return json.loads(response.read()).get("value")
        except urllib.error.HTTPError as exc:
            raise AssertionError("webdriver %s %s: %s" % (method, path, exc.read().decode()[:500])) from None

    def _session(self, method, path, body=None):
        return self._call(method, "/session/%s%s" % (self.session, path), body)

    def open(self, url):
        self._session("POST", "/url", {"url": url})

    def script(self, source, *args):
        return self._session("POST", "/execute/sync", {"script": source, "args": list(args)})

    def console(self):
        """Browser console entries since the last call: [{level, message}]."""
        return self._session("POST", "/se/log", {"type": "browser"})

    def screenshot(self, path):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(self._session("GET", "/screenshot")))
        return path


# What the report page shows, counted in the browser (the report page tests and the dual-hub test).
COUNT = """return {
  nodes: document.querySelectorAll('.node').length,
  hubs: document.querySelectorAll('.node[data-role="hub"]').length,
  tunnels: document.querySelectorAll('.link.tunnel').length,
  shortcuts: document.querySelectorAll('.link.shortcut').length,
  failing_nodes: Array.from(document.querySelectorAll('.node[data-state="fail"]')).map(n => n.dataset.device).sort(),
  failing_links: Array.from(document.querySelectorAll('.link.tunnel[data-state="fail"]'))
                   .map(l => l.dataset.spoke + '/' + l.dataset.hub + '/' + l.dataset.overlay).sort(),
  rows: document.querySelectorAll('#failures tbody tr').length,
  verdict: document.getElementById('verdict').textContent,
  requests: performance.getEntriesByType('resource').length,
  width: document.getElementById('topology').getBoundingClientRect().width
};"""


def load(browser, path):
    browser.console()  # forget earlier pages' entries
    browser.open(path.as_uri())
    problems = [entry for entry in browser.console() if entry["level"] in ("SEVERE", "WARNING")]
    assert problems == [], problems
    return browser.script(COUNT)
