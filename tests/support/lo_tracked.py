"""Accept or reject every tracked change of a DOCX in LibreOffice, driven over UNO, and write the text it then
shows: ``python3 lo_tracked.py PROFILE_DIR accept|reject|none:IN.docx:OUT.txt ...`` (one office for all).

Run by the system Python, which has Debian's python3-uno (the project's own interpreter may not); the tests
call it in a subprocess. LibreOffice is started headless on a private pipe with a profile of its own."""

import contextlib
import os
import subprocess
import sys
import time
import uuid

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def main(profile, jobs):
    pipe = "pkm" + uuid.uuid4().hex
    office = subprocess.Popen(["soffice", "--headless", "--invisible", "--nologo", "--norestore",
                               f"-env:UserInstallation=file://{os.path.abspath(profile)}",
                               f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        for _ in range(240):
            try:
                context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:  # the office is still starting
                time.sleep(0.25)
        else:
            raise SystemExit("LibreOffice did not start")
        desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
        dispatcher = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.DispatchHelper", context)
        for job in jobs:
            action, source, target = job.split(":", 2)
            document = desktop.loadComponentFromURL(uno.systemPathToFileUrl(os.path.abspath(source)), "_blank", 0,
                                                    (prop("Hidden", True),))
            if action != "none":
                command = ".uno:AcceptAllTrackedChanges" if action == "accept" else ".uno:RejectAllTrackedChanges"
                dispatcher.executeDispatch(document.getCurrentController().getFrame(), command, "", 0, ())
            document.storeToURL(uno.systemPathToFileUrl(os.path.abspath(target)),
                                (prop("FilterName", "Text (encoded)"), prop("FilterOptions", "UTF8")))
            document.close(True)
        with contextlib.suppress(Exception):  # the bridge closes as the office ends
            desktop.terminate()
    finally:
        try:
            office.wait(timeout=30)
        except subprocess.TimeoutExpired:
            office.kill()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
