"""The Docker deployment ships no working secret, and the web container cannot act as the table owner.

These read the files an operator runs (docker-compose.yml, the init script, .env.example); Docker
itself is not needed.
"""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
SECRETS = ("SECRET_KEY", "POSTGRES_PASSWORD", "WEB_DB_PASSWORD")


def _interpolations(text: str) -> list[tuple[str, str]]:
    """Every ``${NAME…}`` in ``text`` as (name, what follows the name: ``:?message``, ``:-default`` or '')."""
    return re.findall(r"\$\{([A-Z_]+)([^}]*)\}", text)


def _environment(service: str) -> dict[str, str]:
    return {key: str(value) for key, value in (COMPOSE["services"][service].get("environment") or {}).items()}


def test_every_secret_in_compose_is_required_never_defaulted():
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    used = [(name, rest) for name, rest in _interpolations(text) if name in SECRETS]
    assert {name for name, _ in used} == set(SECRETS)
    for name, rest in used:
        assert rest.startswith(":?"), f"${{{name}{rest}}} lets compose start without {name}"


def test_the_init_script_has_no_default_password():
    script = (ROOT / "deploy/initdb/10-web-role.sh").read_text(encoding="utf-8")
    for name, rest in _interpolations(script):
        assert not rest.startswith(":-"), f"{name} has a default in the init script"


def test_the_web_container_never_sees_the_owners_password():
    app_env = " ".join(_environment("app").values()) + " " + str(COMPOSE["services"]["app"].get("command"))
    assert "POSTGRES_PASSWORD" not in app_env and "postgresql://fjernarbeid:" not in app_env
    assert _environment("app")["DATABASE_URL"].startswith("postgresql://fjernarbeid_web:")


def test_migrations_seed_and_grants_run_once_as_the_owner_before_the_app():
    migrate = COMPOSE["services"]["migrate"]
    assert _environment("migrate")["DATABASE_URL"].startswith("postgresql://fjernarbeid:${POSTGRES_PASSWORD:?")
    for step in ("db upgrade", "seed", "db grant-web fjernarbeid_web"):
        assert step in migrate["command"]
    assert migrate["restart"] == "no"
    for service in ("app", "worker"):
        assert COMPOSE["services"][service]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_a_worker_runs_the_jobs_as_the_owner_and_the_app_has_no_import_rights():
    worker = COMPOSE["services"]["worker"]
    assert worker["command"] == "fjernarbeid worker" and "ports" not in worker
    assert _environment("worker")["DATABASE_URL"].startswith("postgresql://fjernarbeid:${POSTGRES_PASSWORD:?")
    assert "FJERNARBEID_IMPORT_DATABASE_URL" not in _environment("app")
    # both see the same data directory: the worker writes handouts and reads uploads the app stored
    assert worker["volumes"] == COMPOSE["services"]["app"]["volumes"]


def test_the_app_port_is_published_on_loopback_only():
    # forwarded headers may be trusted only when nothing but the proxy and the host can reach the app
    assert all(str(port).startswith("127.0.0.1:") for port in COMPOSE["services"]["app"]["ports"])


def test_env_example_names_every_secret_without_a_value():
    lines = (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
    assignments = dict(line.split("=", 1) for line in lines if "=" in line and not line.startswith("#"))
    assert {name: assignments.get(name) for name in SECRETS} == dict.fromkeys(SECRETS, "")


def test_env_files_stay_out_of_git_and_the_image():
    assert ".env" in (ROOT / ".gitignore").read_text().splitlines()
    assert ".env" in (ROOT / ".dockerignore").read_text().splitlines()


def test_the_image_installs_the_built_wheel_not_the_checkout():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    build, image = re.split(r"^FROM ", dockerfile, flags=re.MULTILINE)[1:]
    copied = " ".join(re.findall(r"^COPY (.*) \S+$", build, flags=re.MULTILINE)).split()
    # what setup.py builds the wheel from: the package, its data directories and the build step itself
    assert {"pyproject.toml", "setup.py", "app", "seed", "migrations", "assets"} <= set(copied)
    assert "pip wheel --no-deps" in build
    assert re.search(r"^RUN pip install \S+\.whl", image, flags=re.MULTILINE)
    assert "pip install -e" not in dockerfile
    # nothing of the checkout in the image itself: only the wheel, from the build stage
    assert [line for line in image.splitlines() if line.startswith("COPY")] == ["COPY --from=wheel /wheels /tmp/wheels"]
