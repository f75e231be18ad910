"""Take a new upstream OpenAI OpenAPI document: re-extract, regenerate, and report what changed.

Steps: read the committed ``openapi.yaml`` (the OLD spec), extract the audio subset of the
upstream document (the NEW spec, scripts/extract_spec.py), regenerate ``generated/`` through
scripts/generate.py, then print a structural change report (scripts/spec_diff.py) and append it
to ``SPEC_CHANGES.md`` as a dated entry carrying the upstream sha256.

    python scripts/update_spec.py                             # re-run on the pinned copy (spec/upstream/)
    python scripts/update_spec.py --upstream FILE             # take FILE: update in place, pin it, report
    python scripts/update_spec.py --upstream FILE --dry-run   # report only; touch nothing
    python scripts/update_spec.py --upstream FILE --no-log    # update, but leave SPEC_CHANGES.md alone

Exit status: 0 = nothing changed (openapi.yaml and generated/ identical), 1 = something changed
(report printed; with --dry-run: would change), 2 = error (missing or unreadable upstream, invalid
YAML, not an OpenAPI document, stale spec override, generator failure, wrong tool pins). The report
goes to stdout; progress and errors go to stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import extract_spec
import spec_diff

ROOT = extract_spec.ROOT
SPEC = ROOT / "openapi.yaml"
GENERATED = ROOT / "generated" / "openai_audio_api"
CHANGELOG = ROOT / "SPEC_CHANGES.md"
EXIT_UNCHANGED, EXIT_CHANGED, EXIT_ERROR = 0, 1, 2
_MAX_LISTED_FILES = 40


class UpdateError(Exception):
    """Anything that makes the update impossible; reported with exit status 2."""


@dataclass
class Update:
    """The outcome of one run (also what the tests inspect)."""

    diff: spec_diff.SpecDiff
    upstream_sha256: str
    old_spec_sha256: str
    new_spec_sha256: str
    spec_changed: bool
    generated_changes: list[str] = field(default_factory=list)
    dry_run: bool = False
    # "pointer — source" of each addition ahead of upstream in force (scripts/spec_overrides.yaml).
    additions: list[str] = field(default_factory=list)
    upstream_is_new: bool = False  # not the pinned copy (spec/upstream/) the old output came from

    @property
    def changed(self) -> bool:
        return self.spec_changed or bool(self.generated_changes)

    def render(self) -> str:
        if not self.changed:
            return "openapi.yaml and generated/ are unchanged.\n"
        verb = "would change" if self.dry_run else "changed"
        lines = [
            f"openapi.yaml {verb}: {self.old_spec_sha256[:12]} -> {self.new_spec_sha256[:12]}"
            f" (upstream sha256 {self.upstream_sha256})",
            "",
            self.diff.render().rstrip("\n"),
        ]
        if self.additions:
            lines += ["", *self.additions_lines()]
        if self.generated_changes:
            lines += [
                "",
                f"generated/openai_audio_api: {len(self.generated_changes)} file(s) changed beyond the stamp",
            ]
            lines += [f"  {c}" for c in self.generated_changes[:_MAX_LISTED_FILES]]
            if len(self.generated_changes) > _MAX_LISTED_FILES:
                lines.append(f"  ... and {len(self.generated_changes) - _MAX_LISTED_FILES} more")
        hints = self.hints()
        if hints:
            lines += ["", "Next steps:"] + [f"  - {h}" for h in hints]
        return "\n".join(lines) + "\n"

    def additions_lines(self) -> list[str]:
        if not self.additions:
            return []
        heading = "Ahead of upstream (additions in scripts/spec_overrides.yaml, each until upstream has it)"
        return [heading, *(f"  + {a}" for a in self.additions)]

    def hints(self) -> list[str]:
        """What a reviewer should do about this particular change."""
        d, hints = self.diff, []
        if not self.spec_changed and self.generated_changes:
            hints.append(
                "generated/ changed although openapi.yaml did not: scripts/templates, the generator "
                "config or a tool version changed since the last `make generate`"
            )
        if d.breaking:
            hints.append(
                "possibly breaking changes (!): update facade/openai_audio where it builds or reads "
                "the affected fields, then run `make test`"
            )
        if d.by_kind(spec_diff.EVENT_ADDED):
            hints.append(
                "new event types reach façade users as UnknownEvent until facade/openai_audio/_events.py "
                "gets a class for them"
            )
        if d.by_kind(spec_diff.OPERATION_ADDED):
            hints.append(
                "new operations have no façade method yet: add one under facade/openai_audio/resources/"
            )
        if d.changes and not d.breaking and d.by_kind(spec_diff.DOCS_CHANGED) != d.changes:
            hints.append("additive changes only: the façade should keep working; run `make test` to confirm")
        if not self.dry_run and self.upstream_is_new:
            hints.append(
                "a new upstream document is now the pinned copy (spec/upstream/openai-openapi.yaml): "
                "update spec/upstream/PROVENANCE.md (source, date, sha256)"
            )
        if not self.dry_run:
            hints.append(
                "review `git diff openapi.yaml generated/ spec/ spec.lock.json SPEC_CHANGES.md` "
                "and commit them together"
            )
        return hints


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def load_upstream(path: Path) -> tuple[dict[str, Any], bytes]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UpdateError(f"cannot read upstream document {path}: {exc.strerror or exc}") from exc
    try:
        doc = yaml.load(raw, Loader=extract_spec.Loader)
    except yaml.YAMLError as exc:
        raise UpdateError(f"upstream document {path} is not valid YAML: {exc}") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("paths"), dict) or "openapi" not in doc:
        raise UpdateError(f"upstream document {path} is not an OpenAPI document (no `openapi` and `paths`)")
    return doc, raw


def extract_text(upstream: dict[str, Any]) -> str:
    """The NEW openapi.yaml text, exactly as scripts/generate.py will write it."""
    overrides, additions = extract_spec.load_changes()
    try:
        return extract_spec.dump(extract_spec.extract(upstream, overrides, additions))
    except extract_spec.ExtractError as exc:
        raise UpdateError(f"extraction failed: {exc}") from exc
    except (KeyError, TypeError, AttributeError) as exc:
        # A structurally odd upstream (e.g. no components/securitySchemes) fails deep inside.
        raise UpdateError(f"extraction failed: upstream document lacks {exc!r}") from exc


def _content(path: Path) -> bytes:
    data = path.read_bytes()
    # Every generated module is stamped with the spec's sha256, so any spec change touches every
    # file; compare without the stamp to list the files whose code actually changed.
    while data.startswith((b"# Generated by openapi-python-client", b"# Do not edit")):
        data = data.partition(b"\n")[2]
    return data


def snapshot(tree: Path) -> dict[str, str]:
    """relative path -> sha256 of every file under ``tree`` (caches excluded, stamps ignored)."""
    if not tree.exists():
        return {}
    return {
        p.relative_to(tree).as_posix(): sha256_bytes(_content(p))
        for p in sorted(tree.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def compare_snapshots(before: dict[str, str], after: dict[str, str]) -> list[str]:
    changes = [f"+ {p}" for p in sorted(after.keys() - before.keys())]
    changes += [f"- {p}" for p in sorted(before.keys() - after.keys())]
    changes += [f"~ {p}" for p in sorted(before.keys() & after.keys()) if before[p] != after[p]]
    return changes


def regenerate(upstream: Path) -> None:
    """Run scripts/generate.py in-process (one code path for `make generate` and this script)."""
    import generate  # imported late: it checks nothing at import, but keeps --dry-run light

    try:
        # generate.py talks on stdout; keep stdout for the report alone.
        with contextlib.redirect_stdout(sys.stderr):
            status = generate.main(["--upstream", str(upstream)])
    except SystemExit as exc:  # check_pins() and a failed generator exit with a message
        detail = exc.code if isinstance(exc.code, str) else f"exit status {exc.code}"
        raise UpdateError(f"regeneration failed: {detail}") from exc
    if status != 0:
        raise UpdateError(f"regeneration failed: scripts/generate.py returned {status}")


def changelog_entry(update: Update, today: dt.date) -> str:
    return (
        f"\n## {today.isoformat()} — upstream sha256 `{update.upstream_sha256}`\n\n"
        f"openapi.yaml `{update.old_spec_sha256[:12]}` -> `{update.new_spec_sha256[:12]}`\n\n"
        "```text\n"
        + "\n".join(
            [
                update.diff.render().rstrip("\n"),
                *(["", *update.additions_lines()] if update.additions else []),
            ]
        )
        + "\n```\n"
    )


def append_changelog(update: Update, path: Path = CHANGELOG, today: dt.date | None = None) -> None:
    if not path.exists():
        path.write_text("# Spec changes\n", encoding="utf-8")
    with path.open("a", encoding="utf-8") as fh:
        fh.write(changelog_entry(update, today or dt.datetime.now(dt.UTC).date()))


def update(upstream: Path, *, dry_run: bool = False, log: bool = True) -> Update:
    # Read the OLD spec before anything can overwrite it.
    old_text = SPEC.read_bytes() if SPEC.exists() else b""
    old_doc = yaml.safe_load(old_text) if old_text else {}
    upstream_doc, upstream_raw = load_upstream(upstream)
    pinned_before = (
        extract_spec.PINNED_UPSTREAM.read_bytes() if extract_spec.PINNED_UPSTREAM.exists() else b""
    )
    new_text = extract_text(upstream_doc).encode("utf-8")
    new_doc = yaml.safe_load(new_text)

    generated_changes: list[str] = []
    if not dry_run:
        before = snapshot(GENERATED)
        regenerate(upstream)
        if SPEC.read_bytes() != new_text:  # both come from extract_spec: a mismatch is a bug here
            raise UpdateError("openapi.yaml written by generate.py differs from this script's extraction")
        generated_changes = compare_snapshots(before, snapshot(GENERATED))

    _, additions = extract_spec.load_changes()
    result = Update(
        diff=spec_diff.diff_specs(old_doc or {}, new_doc),
        upstream_sha256=sha256_bytes(upstream_raw),
        old_spec_sha256=sha256_bytes(old_text),
        new_spec_sha256=sha256_bytes(new_text),
        spec_changed=old_text != new_text,
        generated_changes=generated_changes,
        dry_run=dry_run,
        additions=[f"{a['pointer']} — {a['source']}" for a in additions],
        upstream_is_new=pinned_before != upstream_raw,
    )
    if result.changed and log and not dry_run:
        append_changelog(result)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog="exit status: 0 unchanged, 1 changed (report printed), 2 error",
    )
    parser.add_argument("--upstream", type=Path, default=extract_spec.DEFAULT_UPSTREAM)
    parser.add_argument("--dry-run", action="store_true", help="print the report; write nothing")
    parser.add_argument("--no-log", action="store_true", help=f"do not append to {CHANGELOG.name}")
    args = parser.parse_args(argv)
    try:
        result = update(args.upstream, dry_run=args.dry_run, log=not args.no_log)
    except UpdateError as exc:
        print(f"update_spec: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    sys.stdout.write(result.render())
    return EXIT_CHANGED if result.changed else EXIT_UNCHANGED


if __name__ == "__main__":
    sys.exit(main())
