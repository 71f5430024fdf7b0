"""A warm LibreOffice worker: start one soffice, then convert documents sent on stdin.

Run by a Python that can `import uno` (Debian: /usr/bin/python3 with python3-uno), never
imported by ka2docs itself: the venv's Python cannot load LibreOffice's UNO bridge.

    python3 pdf_worker.py SOFFICE PROFILE_URL PIPE_NAME

Protocol, one JSON object a line: ka2docs writes {"src", "dst", "import", "filter", "options"};
the worker answers {"ok": true} or {"error": "..."}. The first line it writes is
{"ready": true} once LibreOffice answers, or {"error": ...} if it never does. End of
input closes LibreOffice and the worker.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import time
from pathlib import Path

import uno  # provided by LibreOffice (python3-uno), not by the venv
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException

START_TIMEOUT = 60.0  # a cold profile on a slow disk takes a few seconds


def prop(name: str, value) -> PropertyValue:
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def start(soffice: str, profile: str, pipe: str):
    process = subprocess.Popen(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--invisible", "--nologo", "--norestore",
         "--nodefault", "--nolockcheck", "--nofirststartwizard", f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except NoConnectException:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(f"LibreOffice did not start (exit {process.poll()})") from None
            time.sleep(0.1)
    desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
    return process, desktop


def convert(desktop, job: dict) -> None:
    # Never run macros or refresh links: the file is converted exactly as written, offline.
    load = (prop("Hidden", True), prop("ReadOnly", True), prop("MacroExecutionMode", 0), prop("UpdateDocMode", 0), prop("FilterName", job["import"]))
    document = desktop.loadComponentFromURL(Path(job["src"]).resolve().as_uri(), "_blank", 0, load)
    if document is None:
        raise RuntimeError("LibreOffice could not open the file")
    try:
        data = uno.Any("[]com.sun.star.beans.PropertyValue", tuple(prop(k, v) for k, v in job["options"].items()))
        document.storeToURL(Path(job["dst"]).resolve().as_uri(), (prop("FilterName", job["filter"]), prop("FilterData", data), prop("Overwrite", True)))
    finally:
        document.close(True)


def say(message: dict) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def main(soffice: str, profile: str, pipe: str) -> int:
    try:
        process, desktop = start(soffice, profile, pipe)
    except Exception as exc:  # noqa: BLE001 - reported to ka2docs as one line
        say({"error": str(exc)})
        return 1
    say({"ready": True})
    try:
        for line in sys.stdin:
            if not line.strip():
                continue
            job = json.loads(line)
            try:
                convert(desktop, job)
                say({"ok": True})
            except Exception as exc:  # noqa: BLE001 - one bad document must not end the batch
                error = f"{type(exc).__name__}: {getattr(exc, 'Message', '') or exc}"
                if process.poll() is not None:  # LibreOffice itself died: start it again for the rest
                    try:
                        process, desktop = start(soffice, profile, pipe)
                    except Exception as again:  # noqa: BLE001
                        say({"error": f"{error}; LibreOffice could not be restarted: {again}"})
                        return 1
                say({"error": error})
    finally:
        with contextlib.suppress(Exception):  # the bridge drops as LibreOffice exits
            desktop.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
