"""Single sign-on in a real browser: the dashboard under gunicorn with FJERNARBEID_OIDC_* set, a real
OpenID provider on loopback (tests/oidc/), headless Chromium going from «Logg inn med …» through the
provider's login form back to the dashboard, and out again through the provider's logout."""

from __future__ import annotations

import secrets

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.oidc import CLIENT_SECRET, free_port, run_provider
from tests.servers import start_gunicorn, stop, wait_until_healthy


@pytest.fixture(scope="module")
def sso_site(live_env, tmp_path_factory):
    """A gunicorn server with single sign-on and the provider it trusts: (the app's address, the issuer)."""
    issuer = f"http://127.0.0.1:{free_port()}"
    env = {
        **live_env,
        "FJERNARBEID_DATA_DIR": str(tmp_path_factory.mktemp("sso-live")),
        "FJERNARBEID_OIDC_ISSUER": issuer,
        "FJERNARBEID_OIDC_CLIENT_ID": "fjernarbeid",
        "FJERNARBEID_OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "FJERNARBEID_OIDC_ROLE_MAP": "redaktorar=editor,leiing=admin",
        "FJERNARBEID_OIDC_SCOPES": "openid profile email groups",
        "FJERNARBEID_OIDC_NAME": "Testleverandøren",
    }
    log_path = tmp_path_factory.mktemp("sso-live-log") / "gunicorn.log"
    with log_path.open("w") as log:
        proc, url = start_gunicorn(["--workers", "1", "--threads", "4", "app.wsgi:server"], env, output=log)
    try:
        wait_until_healthy(proc, url, log=log_path)
        provider = run_provider(
            port=int(issuer.rsplit(":", 1)[1]),
            redirect_uris=(f"{url}/logg-inn/sso/svar",),
            logout_uris=(f"{url}/",),
        )
        assert next(provider) == issuer
        yield url, issuer
        provider.close()
    finally:
        stop(proc)


def test_a_person_logs_in_with_the_provider_and_out_again(browser, sso_site):
    url, issuer = sso_site
    person = f"b{secrets.token_hex(4)}"
    answer = requests.put(f"{issuer}/_test/users/{person}", json={"groups": ["redaktorar"]}, timeout=5)
    assert answer.status_code == 204
    browser.delete_all_cookies()
    wait = WebDriverWait(browser, 90)  # a cold server draws its first page slowly on a busy machine

    browser.get(f"{url}/logg-inn")
    button = wait.until(lambda b: b.find_element(By.ID, "login-sso"))
    assert button.text == "Logg inn med Testleverandøren"
    button.click()
    login = wait.until(lambda b: b.find_element(By.NAME, "login"))  # the provider's own form
    assert browser.current_url.startswith(issuer)
    login.send_keys(person)
    browser.find_element(By.NAME, "password").send_keys("any password")
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()

    name = wait.until(lambda b: b.find_elements(By.ID, "account-name") and b.find_element(By.ID, "account-name"))
    assert browser.current_url.startswith(url)
    assert f"sso:{person}" in name.text and "redaktør" in name.text

    browser.find_element(By.ID, "account-logout").click()
    link = wait.until(lambda b: b.find_element(By.ID, "login-sso-logout"))
    assert "Du er logget ut av dashbordet." in browser.find_element(By.ID, "login-notice").text
    assert link.get_attribute("href").startswith(f"{issuer}/session/end?")
    link.click()
    wait.until(lambda b: b.find_element(By.NAME, "logout")).click()  # the provider asks; yes, sign me out
    wait.until(lambda b: b.current_url.rstrip("/") == url)
    assert wait.until(lambda b: b.find_element(By.ID, "account-login"))  # logged out here too
