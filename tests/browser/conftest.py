"""Browser tests: the app under gunicorn on the test database (the session's ``live_server``), driven by
headless Chromium. Every test here carries the ``browser`` marker: ``pytest -m "not browser"`` leaves them out.

Needs Debian's ``chromium`` and ``chromium-driver`` (``.ci/run`` installs them). Nothing is
loaded from the internet: the page's assets are served by the app, axe-core from tests/.

The README's screenshots are taken by the tests that reach each pictured state, but saved only when
pytest is given ``--screenshots DIR`` (``python -m tools.screenshots`` does): a test run writes none.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from tests.queue import start_worker, stop_worker

HERE = Path(__file__).resolve().parent
AXE = HERE / "vendor" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
POLL = 0.1  # seconds between two looks while waiting (Selenium's default, 0.5 s, adds 0.25 s to a wait on average)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test under tests/browser is a browser test (the hook sees the whole session's items)."""
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def screenshots(pytestconfig) -> Path | None:
    """Where the README's screenshots go: ``--screenshots DIR``, or nowhere."""
    value = pytestconfig.getoption("screenshots")
    return Path(value).resolve() if value else None


@pytest.fixture(scope="module")
def live_worker(live_server, live_env):
    """The job queue's worker beside the live server, as in production, for the modules that need one; stopped
    after them, so that it never takes the jobs of the tests that run their own worker."""
    worker = start_worker(live_env)
    yield worker
    stop_worker(worker, live_env["DATABASE_URL"])


@pytest.fixture(scope="session")
def browser():
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.fail(
            "Browser tests need Debian's chromium and chromium-driver: apt-get install chromium chromium-driver"
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-dev-shm-usage",
        "--window-size=1366,768",
        "--lang=nb-NO",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


class Page:
    """Small helpers over a Selenium driver, so tests read like what a user does."""

    def __init__(self, driver, base_url: str, screenshots: Path | None = None):
        self.driver, self.base_url, self.screenshots = driver, base_url, screenshots

    def open(self, path: str, ready_css: str, timeout: float = 60):
        self.driver.get(self.base_url + path)
        return self.wait_for(ready_css, timeout)

    def wait_for(self, css: str, timeout: float = 30):
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as ec
        from selenium.webdriver.support.ui import WebDriverWait

        return WebDriverWait(self.driver, timeout, poll_frequency=POLL).until(
            ec.presence_of_element_located((By.CSS_SELECTOR, css))
        )

    def wait_until(self, condition, timeout: float = 30, message: str = ""):
        """Wait for ``condition``; elements replaced by a re-render meanwhile are simply looked up again."""
        from selenium.common.exceptions import StaleElementReferenceException
        from selenium.webdriver.support.ui import WebDriverWait

        return WebDriverWait(
            self.driver, timeout, poll_frequency=POLL, ignored_exceptions=(StaleElementReferenceException,)
        ).until(lambda d: condition(), message)

    def text(self, css: str) -> str:
        """The element's visible text; looked up again if a re-render replaces it while reading."""
        from selenium.common.exceptions import StaleElementReferenceException
        from selenium.webdriver.common.by import By

        for attempt in range(5):
            try:
                return self.driver.find_element(By.CSS_SELECTOR, css).text
            except StaleElementReferenceException:
                if attempt == 4:
                    raise
                time.sleep(0.2)
        raise AssertionError("unreachable")

    def click(self, css: str, index: int = 0) -> None:
        """Click the element as a user would after scrolling to it (a sticky bar cannot cover it)."""
        self.click_on(self.wait_until(lambda: (self.find_all(css) or [None])[index], message=f"nothing at {css}"))

    def click_on(self, element) -> None:
        """Click ``element`` after scrolling it to the middle of the screen. Selenium's own ``click`` aims at
        where the element was before the page's smooth scrolling ended, and may hit another element."""
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();", element)

    def find_all(self, css: str):
        from selenium.webdriver.common.by import By

        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def wait_idle(self, timeout: float = 30) -> None:
        """Wait until Dash has no callback in flight."""
        self.wait_until(
            lambda: self.driver.execute_script(
                "return !document.querySelector('[data-dash-is-loading=\"true\"]') && "
                "document.readyState === 'complete';"
            ),
            timeout,
        )
        time.sleep(0.3)

    def choose(self, dropdown_id: str, option_text: str) -> None:
        """Open a dcc.Dropdown and pick the option whose text contains ``option_text``."""
        from selenium.common.exceptions import StaleElementReferenceException
        from selenium.webdriver.common.by import By

        for attempt in range(3):  # the dropdown may be re-rendered while we pick
            try:
                self.driver.find_element(By.CSS_SELECTOR, f"#{dropdown_id}").click()
                self.wait_for("[role=listbox] [role=option]")
                options = self.find_all("[role=listbox] [role=option]")
                match = next((o for o in options if option_text in o.text), None)
                assert match is not None, f"no option containing {option_text!r} in {[o.text for o in options]}"
                match.click()
                return
            except StaleElementReferenceException:
                if attempt == 2:
                    raise
                time.sleep(0.5)

    def axe_violations(self, impacts=("serious", "critical")) -> list[dict]:
        """Run axe-core (WCAG 2.1 A/AA rules) on the current page."""
        self.driver.execute_script(AXE.read_text(encoding="utf-8"))
        result = self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
            ".then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
            " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' ' + (n.failureSummary || '').slice(0, 200))}))))"
            ".catch(e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));"
        )
        return [v for v in result if v["impact"] in impacts]

    def console_errors(self) -> list[str]:
        return [entry["message"] for entry in self.driver.get_log("browser") if entry["level"] == "SEVERE"]

    def log_in(self, name: str, password: str = "browser-test passord") -> None:
        """Through the login form, as a person does; ends back on the dashboard."""
        self.driver.get(self.base_url + "/logg-inn")
        self.wait_for("#login-name").send_keys(name)
        self.driver.find_element("css selector", "#login-password").send_keys(password)
        self.driver.find_element("css selector", "#login-submit").click()
        from selenium.common.exceptions import TimeoutException

        try:  # the form was taken: the server answered with the dashboard, not the login page again
            self.wait_until(lambda: "/logg-inn" not in self.driver.current_url)
        except TimeoutException:
            raise AssertionError(f"{name} was not logged in; the page says {self.text('body')[:300]!r}") from None
        # the account bar is drawn by a callback, which waits its turn on a loaded machine (two test processes)
        self.wait_for("#account-name", timeout=90)

    def screenshot(self, name: str) -> Path | None:
        """The README's picture ``name`` of the window as it is now, when the run saves them (``--screenshots``)."""
        if self.screenshots is None:
            return None
        return self.save_picture(name, self.driver.get_screenshot_as_png())

    def save_picture(self, name: str, png: bytes) -> Path | None:
        """``png`` as the README's picture ``name``, when the run saves them (``--screenshots``)."""
        if self.screenshots is None:
            return None
        self.screenshots.mkdir(parents=True, exist_ok=True)
        path = self.screenshots / f"{name}.png"
        path.write_bytes(png)
        return path


PASSWORD = "browser-test passord"


@pytest.fixture(scope="session")
def accounts(database_url):
    """An editor and an admin who log in through the login page (``Page.log_in``)."""
    from sqlalchemy import create_engine, select
    from sqlalchemy.orm import Session

    from app.db.models import AppUser
    from app.db.users import add_user

    engine = create_engine(database_url)
    names = {"editor": "browser-editor", "admin": "browser-admin"}
    with Session(engine) as session, session.begin():
        for role, name in names.items():
            if session.scalar(select(AppUser.id).where(AppUser.name == name)) is None:
                add_user(session, name, role, PASSWORD, "browser-tests")
    engine.dispose()
    return names


@pytest.fixture
def page(browser, live_server, screenshots):
    browser.get_log("browser")  # start each test with an empty console log
    if browser.current_url.startswith(live_server):
        browser.delete_all_cookies()  # every test starts logged out
    return Page(browser, live_server, screenshots)
