"""scripts/respawn.sh, which keeps `make run`'s worker and front purger alive: a command
that exits is started again, and stopping the script stops the command it runs."""

import os
import signal
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESPAWN = ROOT / "scripts" / "respawn.sh"


def _until(check, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not yet reaped by its parent) counts as gone.
    state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    return state != "Z"


def test_a_command_that_dies_is_started_again(tmp_path):
    starts = tmp_path / "starts"
    command = f"echo started >> {starts}; exit 3"
    script = subprocess.Popen(
        [str(RESPAWN), "bash", "-c", command], stderr=subprocess.PIPE, text=True
    )
    try:
        assert _until(lambda: starts.exists() and len(starts.read_text().splitlines()) >= 2)
    finally:
        script.send_signal(signal.SIGTERM)
        _, errors = script.communicate(timeout=10)
    assert script.returncode == 0
    assert "exited with status 3; starting it again in 2 s" in errors


def test_stopping_the_script_stops_the_command(tmp_path):
    pid_file = tmp_path / "pid"
    command = f"echo $$ > {pid_file}; exec sleep 600"
    script = subprocess.Popen([str(RESPAWN), "bash", "-c", command])
    try:
        assert _until(lambda: pid_file.exists() and pid_file.read_text().strip())
        child = int(pid_file.read_text())
        assert _alive(child)
    finally:
        script.send_signal(signal.SIGTERM)
        script.wait(timeout=10)
    assert script.returncode == 0
    assert _until(lambda: not _alive(child)), "the command outlived the script"
