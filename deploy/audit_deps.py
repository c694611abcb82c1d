"""`make audit`: known vulnerabilities in the pinned production requirements (pip-audit).

    python deploy/audit_deps.py [--pip-audit PATH] [--requirements requirements-prod.txt]

Exit status: 0 when no known vulnerability is found, 1 when one is (the table says which
package, which advisory and the fixed version), 0 with a clear WARNING when pip-audit's
vulnerability source cannot be reached (an offline build machine must not fail for that, but
must not look like a clean audit either), 2 when pip-audit itself is missing.

pip-audit reads the hashed requirements as they are (`--require-hashes --disable-pip`): every
package, transitive ones included, is already pinned, so nothing is resolved or installed. A
package the vulnerability source does not know is listed as not audited; when it knows none,
that is reported like an unreachable source.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVICES = {
    # pip-audit's services and a URL that answers when the service is reachable.
    "pypi": "https://pypi.org/pypi/django/json",
    "osv": "https://api.osv.dev/v1/vulns/PYSEC-2024-1",
}
UNREACHABLE_MARKERS = (
    "ConnectionError",
    "ConnectTimeout",
    "ReadTimeout",
    "Max retries exceeded",
    "Name or service not known",
    "Temporary failure in name resolution",
    "Network is unreachable",
    "ServiceError",
)


def reachable(url: str, timeout: float = 10) -> str | None:
    """None when `url` answers, otherwise why not."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            response.read(1)
    except urllib.error.HTTPError:
        return None  # it answered; an error status is still a reachable service
    except (urllib.error.URLError, OSError) as exc:
        return str(getattr(exc, "reason", exc))
    return None


def warn(message: str) -> None:
    print(f"WARNING: {message}", file=sys.stderr)
    print("WARNING: the dependency audit did NOT run; this is not a clean result.", file=sys.stderr)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pip-audit", default=shutil.which("pip-audit") or "pip-audit")
    parser.add_argument("--requirements", default=str(ROOT / "requirements-prod.txt"))
    parser.add_argument("--service", choices=sorted(SERVICES), default="pypi")
    args = parser.parse_args()

    if not Path(args.pip_audit).exists() and shutil.which(args.pip_audit) is None:
        print(f"pip-audit not found ({args.pip_audit}); `make audit` installs it.", file=sys.stderr)
        return 2
    why = reachable(SERVICES[args.service])
    if why is not None:
        warn(
            f"pip-audit's vulnerability source ({args.service}: {SERVICES[args.service]}) "
            f"is unreachable: {why}"
        )
        return 0
    command = [
        args.pip_audit,
        "--requirement", args.requirements,
        "--require-hashes", "--disable-pip",
        "--vulnerability-service", args.service,
        "--progress-spinner", "off",
        "--format", "json",
    ]  # fmt: skip
    print("$", " ".join(command), flush=True)
    result = subprocess.run(command, capture_output=True, text=True)
    try:
        report = json.loads(result.stdout)
    except ValueError:
        sys.stderr.write(result.stderr)
        if any(marker in result.stderr for marker in UNREACHABLE_MARKERS):
            warn(f"pip-audit lost its vulnerability source ({args.service}) while auditing.")
            return 0
        print(f"pip-audit failed (exit {result.returncode}).", file=sys.stderr)
        return result.returncode or 1
    return summarize(report, args.service)


def summarize(report: dict, service: str) -> int:
    audited, skipped, found = [], [], []
    for dependency in report.get("dependencies", []):
        name = f"{dependency['name']}=={dependency.get('version', '?')}"
        if dependency.get("skip_reason"):
            skipped.append(name)
            continue
        audited.append(name)
        for vuln in dependency.get("vulns", []):
            fixed = ", ".join(vuln.get("fix_versions", [])) or "no fix yet"
            found.append(f"  {name:<36} {vuln['id']:<22} fixed in: {fixed}")
    if found:
        print(f"{len(found)} known vulnerabilities ({service}):")
        print("\n".join(found))
    if not audited:
        warn(
            f"the vulnerability source ({service}) knows none of the {len(skipped)} pinned "
            "packages (a mirror without vulnerability data?)"
        )
        return 0
    if skipped:
        print(
            f"WARNING: {len(skipped)} of {len(audited) + len(skipped)} packages could not be "
            f"audited ({service} does not know them): {', '.join(skipped)}",
            file=sys.stderr,
        )
    if found:
        return 1
    print(f"No known vulnerabilities in the {len(audited)} audited packages ({service}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
