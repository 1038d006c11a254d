"""An import started in the browser is a job of the worker: after a reload the page finds it again on the
server and shows its progress, then its result."""

from __future__ import annotations

from pathlib import Path

from app.web.pages import admin_import

SEED = Path(__file__).resolve().parents[2] / "seed"


def test_a_check_started_survives_a_reload_and_shows_its_result(page, accounts, live_worker):
    page.log_in(accounts["admin"])
    page.open(admin_import.PATH, f"#{admin_import.CHECK}")
    page.wait_idle()
    page.driver.find_element("css selector", f"#{admin_import.DATA} input[type=file]").send_keys(
        str(SEED / "data" / "demo_hardanger.csv")
    )
    page.driver.find_element("css selector", f"#{admin_import.CODEBOOK} input[type=file]").send_keys(
        str(SEED / "codebooks" / "demo_hardanger.yaml")
    )
    page.wait_until(lambda: "demo_hardanger.yaml" in page.text(f"#{admin_import.CODEBOOK}-name"))
    page.click(f"#{admin_import.CHECK}")
    page.wait_until(  # the job is queued or running: the progress is shown, or it is already done
        lambda: page.find_all(f"#{admin_import.PROGRESS}-box:not([hidden])") or page.find_all("#import-summary"),
        message="the check did not start",
    )
    page.driver.refresh()  # nothing of the job is kept in the browser
    page.wait_for(f"#{admin_import.CHECK}")
    page.wait_until(lambda: page.find_all("#import-summary"), timeout=90, message="no result after the reload")
    assert "demo_hardanger" in page.text("#import-summary")
    assert page.find_all(f"#{admin_import.CONFIRM}:not([disabled])")  # the checked files may now be imported
    assert page.console_errors() == []
