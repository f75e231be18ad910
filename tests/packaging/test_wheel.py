"""The distributions users install: the wheel and the sdist, built by the project's own backend.

The backend (hatchling, pyproject's [build-system]) is not in the dev environment, so it is
installed once per session into a throw-away folder (from PyPI, or pip's cache) unless it is
already importable; its PEP 517 hooks then build both files from the checkout, as pip would.

(No __init__.py here on purpose: a package named ``packaging`` would shadow the real one.)
"""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata
import os
import subprocess
import sys
import tarfile
import textwrap
import tomllib
import zipfile
from dataclasses import dataclass
from email.message import Message
from email.parser import Parser
from pathlib import Path, PurePosixPath

import pytest

from openai_audio import __version__

REPO = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())
BACKEND = PYPROJECT["build-system"]
DIST_INFO = f"openai_audio-{__version__}.dist-info"
PACKAGES = ("openai_audio", "openai_audio_api")
# Gitignore-style patterns; plain paths here, a leading "/" (anchored to the root) is allowed.
SDIST_INCLUDES = [
    entry.strip("/") for entry in PYPROJECT["tool"]["hatch"]["build"]["targets"]["sdist"]["include"]
]
# Hatchling adds these to every sdist, whatever the include list says.
SDIST_ALWAYS = {"pyproject.toml", "PKG-INFO", ".gitignore"}

pytestmark = pytest.mark.slow  # builds distributions (and may fetch the build backend once)


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _tracked(*paths: str) -> set[str]:
    """The repository's git-tracked files under ``paths`` (what a fresh clone, like CI's, has)."""
    done = subprocess.run(
        ["git", "ls-files", "-z", "--", *paths], cwd=REPO, capture_output=True, check=True, timeout=60
    )
    return {name for name in done.stdout.decode().split("\0") if name}


# -- building ---------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def backend_path(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A PYTHONPATH entry where ``hatchling`` can be imported ("" when it already can be)."""
    assert BACKEND["build-backend"] == "hatchling.build", "this test drives hatchling's hooks"
    probe = subprocess.run([sys.executable, "-c", "import hatchling.build"], capture_output=True, timeout=60)
    if probe.returncode == 0:
        return ""  # offline: the running environment has the backend
    target = tmp_path_factory.mktemp("backend")
    install = subprocess.run(
        [
            *(sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"),
            *("--target", str(target), *BACKEND["requires"]),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if install.returncode != 0:
        message = f"could not install the build backend {BACKEND['requires']}:\n{install.stderr}"
        if _in_ci():
            pytest.fail(message)  # CI must not pass by skipping the packaging checks
        pytest.skip(message)
    return str(target)


def build(backend_path: str, source: Path, out: Path, hook: str) -> Path:
    """Run hatchling's PEP 517 ``hook`` (build_wheel / build_sdist) in ``source``; the file made."""
    out.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if backend_path:
        env["PYTHONPATH"] = backend_path
    code = f"import sys; from hatchling.build import {hook}; print({hook}(sys.argv[1]))"
    done = subprocess.run(
        [sys.executable, "-c", code, str(out)],
        cwd=source,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return out / done.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="session")
def wheel(backend_path: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(backend_path, REPO, tmp_path_factory.mktemp("wheel"), "build_wheel")


@pytest.fixture(scope="session")
def sdist(backend_path: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(backend_path, REPO, tmp_path_factory.mktemp("sdist"), "build_sdist")


@pytest.fixture(scope="session")
def wheel_names(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as zf:
        return zf.namelist()


@pytest.fixture(scope="session")
def metadata(wheel: Path) -> Message:
    with zipfile.ZipFile(wheel) as zf:
        return Parser().parsestr(zf.read(f"{DIST_INFO}/METADATA").decode())


# -- the wheel --------------------------------------------------------------------------------------


def test_wheel_name_is_pure_python(wheel: Path) -> None:
    assert wheel.name == f"openai_audio-{__version__}-py3-none-any.whl"


def test_wheel_holds_both_packages_and_nothing_else(wheel_names: list[str]) -> None:
    tops = {PurePosixPath(name).parts[0] for name in wheel_names}
    assert tops == {*PACKAGES, DIST_INFO}
    for package in PACKAGES:
        assert f"{package}/__init__.py" in wheel_names
    # The source layout (facade/, generated/) is flattened; no tests, venv or caches ride along.
    for name in wheel_names:
        parts = PurePosixPath(name).parts
        assert not {"tests", "facade", "generated", ".venv", "node_modules", "__pycache__"} & set(parts), name
        assert not name.endswith((".pyc", ".part")), name


def test_wheel_has_every_tracked_module(wheel_names: list[str]) -> None:
    expected = {
        name.removeprefix("facade/").removeprefix("generated/")
        for name in _tracked("facade/openai_audio", "generated/openai_audio_api")
    }
    assert len(expected) > 50
    assert expected - set(wheel_names) == set()


def test_both_packages_are_marked_typed(wheel_names: list[str], metadata: Message) -> None:
    assert "openai_audio/py.typed" in wheel_names
    assert "openai_audio_api/py.typed" in wheel_names
    assert "Typing :: Typed" in metadata.get_all("Classifier", [])


def test_entry_points_declare_the_console_script_and_pytest_plugin(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        text = zf.read(f"{DIST_INFO}/entry_points.txt").decode()
    groups: dict[str, dict[str, str]] = {}
    section = ""
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("["):
            section = line.strip("[]")
            groups[section] = {}
        elif "=" in line:
            name, _, value = line.partition("=")
            groups[section][name.strip()] = value.strip()
    assert groups["console_scripts"] == {"openai-audio": "openai_audio.cli:main"}
    assert groups["pytest11"] == {"openai_audio": "openai_audio.testing.pytest_plugin"}


def test_metadata_matches_pyproject(metadata: Message) -> None:
    project = PYPROJECT["project"]
    assert metadata["Name"] == project["name"] == "openai-audio"
    assert metadata["Version"] == project["version"] == __version__
    assert metadata["Requires-Python"] == project["requires-python"]
    assert metadata["License-Expression"] == "MIT"
    requires = metadata.get_all("Requires-Dist", [])
    for dependency in project["dependencies"]:
        name = dependency.split(">")[0].split("<")[0].split("=")[0]
        assert any(r.startswith(name) and "extra ==" not in r for r in requires), dependency
    assert set(metadata.get_all("Provides-Extra", [])) >= {"server", "server-codecs", "cli", "dev"}
    # What the installed (editable) distribution says agrees with the built one.
    assert importlib.metadata.version("openai-audio") == __version__


def test_license_file_is_shipped(wheel: Path, metadata: Message) -> None:
    assert metadata.get_all("License-File") == ["LICENSE"]
    with zipfile.ZipFile(wheel) as zf:
        shipped = zf.read(f"{DIST_INFO}/licenses/LICENSE")
    assert shipped == (REPO / "LICENSE").read_bytes()
    assert b"MIT License" in shipped


def test_record_lists_every_file_with_its_hash(wheel: Path, wheel_names: list[str]) -> None:
    with zipfile.ZipFile(wheel) as zf:
        rows = [line.split(",") for line in zf.read(f"{DIST_INFO}/RECORD").decode().splitlines() if line]
        recorded = {path: digest for path, digest, _size in rows}
        assert set(recorded) == set(wheel_names)
        for path, digest in recorded.items():
            if path == f"{DIST_INFO}/RECORD":
                assert digest == ""
                continue
            algorithm, _, value = digest.partition("=")
            assert algorithm == "sha256", path
            actual = base64.urlsafe_b64encode(hashlib.sha256(zf.read(path)).digest()).rstrip(b"=")
            assert actual.decode() == value, path


def test_the_unpacked_wheel_imports_on_its_own(wheel: Path, tmp_path: Path) -> None:
    # Put the wheel's files first on the path: the modules must come from there, not the checkout.
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(site)  # noqa: S202 - the wheel this session just built
    code = (
        "import openai_audio, openai_audio_api, openai_audio.cli, openai_audio.testing.pytest_plugin\n"
        "from openai_audio import AudioClient, types\n"
        "print(openai_audio.__file__); print(openai_audio_api.__file__); print(openai_audio.__version__)\n"
        "raise SystemExit(openai_audio.cli.main(['--version']))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    package_file, api_file, version, cli_version = done.stdout.splitlines()
    assert Path(package_file).is_relative_to(site)
    assert Path(api_file).is_relative_to(site)
    assert version == __version__
    assert cli_version == f"openai-audio, version {__version__}"


# -- a base install (no extras) fails cleanly where an extra is needed ------------------------------
# The wheel goes into a fresh venv with only the runtime dependencies (and pytest, the user's own):
# the console script names the `cli` extra in one line and exits 2; a plain pytest run with our
# plugin registered is unaffected, while the `audio_server` fixture fails naming the `server`
# extra; `python -m openai_audio.testing` names it too.


@dataclass
class BaseInstall:
    python: Path
    bin: Path
    env: dict[str, str]

    def run(self, *command: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(part) for part in command],
            cwd=cwd,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )


@pytest.fixture(scope="session")
def base_install(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> BaseInstall:
    venv = tmp_path_factory.mktemp("base-install") / "venv"
    # No pip inside: this environment's pip installs into it (--python), which is much faster.
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    pip = [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet"]
    for packages in (["--no-deps", str(wheel)], [*PYPROJECT["project"]["dependencies"], "pytest"]):
        done = subprocess.run([*pip, *packages], capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stdout + done.stderr
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "PYTEST", "VIRTUAL_ENV"))}
    env["PATH"] = str(venv / "bin") + os.pathsep + env.get("PATH", "")
    install = BaseInstall(python, venv / "bin", env)
    # The premise: none of the extras' modules is importable there.
    extras_modules = ("click", "rich", "starlette", "uvicorn")
    probe = f"import importlib.util as u; print([m for m in {extras_modules} if u.find_spec(m)])"
    assert install.run(python, "-c", probe, cwd=venv).stdout.strip() == "[]"
    return install


def assert_one_clean_line(result: subprocess.CompletedProcess[str], install_hint: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert install_hint in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("args", [["--help"], ["transcribe", "x.wav"], []], ids=["help", "command", "bare"])
def test_the_console_script_names_the_cli_extra(
    base_install: BaseInstall, tmp_path: Path, args: list[str]
) -> None:
    result = base_install.run(base_install.bin / "openai-audio", *args, cwd=tmp_path)
    assert_one_clean_line(result, "pip install 'openai-audio[cli]'")


def test_the_local_server_module_names_the_server_extra(base_install: BaseInstall, tmp_path: Path) -> None:
    result = base_install.run(base_install.python, "-m", "openai_audio.testing", cwd=tmp_path)
    assert_one_clean_line(result, "pip install 'openai-audio[server]'")


PLAIN_TESTS = """
def test_plain():
    assert 1 + 1 == 2

def test_our_plugin_is_registered(pytestconfig):
    assert pytestconfig.pluginmanager.has_plugin("openai_audio")
"""

FIXTURE_TEST = """
def test_uses_the_server(audio_server):
    raise AssertionError("unreachable: the fixture cannot start without the server extra")
"""


def test_pytest_runs_plainly_and_the_fixture_names_the_server_extra(
    base_install: BaseInstall, tmp_path: Path
) -> None:
    (tmp_path / "test_plain.py").write_text(textwrap.dedent(PLAIN_TESTS))
    (tmp_path / "test_fixture.py").write_text(textwrap.dedent(FIXTURE_TEST))
    pytest_cmd = [base_install.python, "-m", "pytest", "-p", "no:cacheprovider", "-q"]

    plain = base_install.run(*pytest_cmd, "test_plain.py", cwd=tmp_path)
    assert plain.returncode == 0, plain.stdout + plain.stderr
    assert "2 passed" in plain.stdout

    fixture = base_install.run(*pytest_cmd, "test_fixture.py", cwd=tmp_path)
    assert fixture.returncode == 1, fixture.stdout + fixture.stderr
    assert "1 error" in fixture.stdout
    assert "pip install 'openai-audio[server]'" in fixture.stdout
    assert "ModuleNotFoundError" not in fixture.stdout
    assert "unreachable" not in fixture.stdout


# -- the sdist --------------------------------------------------------------------------------------


@dataclass
class Sdist:
    root: Path
    names: list[str]


@pytest.fixture(scope="session")
def unpacked_sdist(sdist: Path, tmp_path_factory: pytest.TempPathFactory) -> Sdist:
    target = tmp_path_factory.mktemp("sdist-unpacked")
    with tarfile.open(sdist) as tf:
        names = tf.getnames()
        tf.extractall(target, filter="data")
    return Sdist(target / f"openai_audio-{__version__}", names)


def test_sdist_include_list_names_only_tracked_files() -> None:
    # A fresh clone (CI's, a release's) has only tracked files: an include that is missing, or
    # present but untracked, silently drops out of the sdist (hatchling does not complain).
    assert SDIST_INCLUDES
    missing = [entry for entry in SDIST_INCLUDES if not (REPO / entry).exists()]
    assert missing == [], f"pyproject's sdist include names missing files: {missing}"
    untracked = [entry for entry in SDIST_INCLUDES if not _tracked(entry)]
    assert untracked == [], f"pyproject's sdist include names untracked files: {untracked}"


def _sdist_files(sdist: Sdist) -> set[str]:
    prefix = f"openai_audio-{__version__}/"
    assert all(name.startswith(prefix) or name == prefix.rstrip("/") for name in sdist.names)
    return {name.removeprefix(prefix) for name in sdist.names if name.startswith(prefix)}


def test_sdist_has_everything_the_include_list_names(unpacked_sdist: Sdist) -> None:
    names = _sdist_files(unpacked_sdist)
    for entry in SDIST_INCLUDES:
        assert any(name == entry or name.startswith(entry + "/") for name in names), entry
    assert {"LICENSE", "README.md", "openapi.yaml"} | SDIST_ALWAYS <= names
    tracked = {name for name in _tracked("facade/openai_audio", "generated/openai_audio_api") if "/" in name}
    assert tracked - names == set()
    assert not [name for name in names if "__pycache__" in name or name.endswith(".pyc")]


def test_sdist_has_nothing_outside_the_include_list(unpacked_sdist: Sdist) -> None:
    tops = {PurePosixPath(name).parts[0] for name in _sdist_files(unpacked_sdist)}
    assert tops <= {*SDIST_INCLUDES, *SDIST_ALWAYS}, sorted(tops - {*SDIST_INCLUDES, *SDIST_ALWAYS})
    # The pinned upstream document (3 MB, spec/upstream/) is for regenerating, not for installing.
    assert "spec" not in tops


def test_a_wheel_built_from_the_sdist_equals_the_checkout_wheel(
    backend_path: str, unpacked_sdist: Sdist, wheel_names: list[str], tmp_path: Path
) -> None:
    # The sdist is self-sufficient: everything the wheel needs (packages, README, LICENSE) is in it.
    rebuilt = build(backend_path, unpacked_sdist.root, tmp_path / "out", "build_wheel")
    with zipfile.ZipFile(rebuilt) as zf:
        assert sorted(zf.namelist()) == sorted(wheel_names)
