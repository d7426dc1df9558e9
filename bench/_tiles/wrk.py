"""The load generator of the warm ways: wrk (Debian's package), one C event loop that can
push tens of thousands of requests a second where Python's threads top out near a few
thousand; the same script, connections and duration for every way, so that the ratios are
fair. A Lua script cycles through the ways' requests and counts every answer whose status
is not the expected one, or (through the front) that is not a cache hit.
"""

import os
import resource
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

WRK = shutil.which("wrk")
TICK = os.sysconf("SC_CLK_TCK")

# {requests}: a Lua list of {path, Range header or false}; {allowed}: the statuses that may
# come back; {hit}: the header that says a cache hit (or nil), {hit_value} its value. With
# several connections a thread's answers interleave, so a status is checked against the
# way's set (each tile's own answer is checked byte for byte before, in Python).
SCRIPT = """
local items = {requests}
local allowed = {allowed}
local hit_header, hit_value = {hit}, {hit_value}
local threads, counter = {{}}, 0
wrong, missed = 0, 0  -- globals: done() reads them from each thread
function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end
function init(args)
  counter = (id or 0) * 7919
end
function request()
  counter = counter + 1
  local item = items[(counter % #items) + 1]
  local headers = {{["Accept-Encoding"] = "gzip"}}
  if item[2] then headers["Range"] = item[2] end
  return wrk.format("GET", item[1], headers)
end
function response(status, headers, body)
  if not allowed[status] then wrong = wrong + 1 end
  if hit_header and status == 200 and headers[hit_header] ~= hit_value then
    missed = missed + 1
  end
end
function done(summary, latency, requests)
  local w, m = 0, 0
  for _, t in ipairs(threads) do
    w = w + t:get("wrong")
    m = m + t:get("missed")
  end
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d %.1f %.1f\\n",
    summary.requests, summary.duration, summary.bytes, w, m,
    e.connect + e.read + e.write + e.timeout, latency:percentile(50), latency:percentile(95)))
end
"""


@dataclass
class Load:
    """What one wrk run gave."""

    requests: int = 0
    seconds: float = 0.0
    megabytes: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    client_cpu: float = 0.0  # wrk's CPU seconds over the wall time: the share of one core
    server_cpu: float = 0.0  # the server's processes' CPU seconds over the wall time
    wrong: int = 0  # answers with another status than expected (or socket errors)
    missed: int = 0  # through a cache: answers that were not a hit

    @property
    def rate(self) -> float:
        """Requests (tiles) per second."""
        return self.requests / self.seconds if self.seconds else 0.0


def lua_string(text: str) -> str:
    """A Lua string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def cpu_ticks(pids: list[int]) -> int:
    """User + system clock ticks of the processes and all their descendants (Linux)."""
    children: dict[int, list[int]] = {}
    ticks: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:  # the process ended meanwhile
            continue
        pid = int(stat.parent.name)
        children.setdefault(int(fields[1]), []).append(pid)
        ticks[pid] = int(fields[11]) + int(fields[12])
    total, todo, seen = 0, list(pids), set()
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        total += ticks.get(pid, 0)
        todo += children.get(pid, [])
    return total


def run_wrk(
    url: str,
    requests: list[tuple[str, str | None]],
    seconds: int,
    connections: int,
    *,
    allowed: set[int],
    threads: int = 1,
    hit: tuple[str, str] | None = None,
    server_pids: list[int] | None = None,
) -> Load:
    """wrk against ``url`` for ``seconds``, cycling through ``requests`` (path, Range header
    or None), every status in ``allowed``; ``hit`` is a (header as the server spells it,
    value) every 200 must carry; the CPU of ``server_pids`` (and their children) is
    measured meanwhile."""
    if WRK is None:
        raise RuntimeError("wrk is not installed (scripts/install_system.sh installs it)")
    items = ",".join(
        "{" + f"{lua_string(p)},{lua_string(r) if r else 'false'}" + "}" for p, r in requests
    )
    script = SCRIPT.format(
        requests="{" + items + "}",
        allowed="{" + ",".join(f"[{s}]=true" for s in sorted(allowed)) + "}",
        hit=lua_string(hit[0]) if hit else "nil",
        hit_value=lua_string(hit[1]) if hit else "nil",
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script)
    try:
        command = [
            WRK,
            *("-t", str(threads), "-c", str(connections), "-d", f"{int(seconds)}s"),
            *("-s", lua.name, "--timeout", "30s", url),
        ]
        before = cpu_ticks(server_pids or [])
        # wrk's own CPU: the rusage of this process's ended children (only wrk ends here).
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        out, err = process.communicate()
        ended = resource.getrusage(resource.RUSAGE_CHILDREN)
        after = cpu_ticks(server_pids or [])
    finally:
        os.unlink(lua.name)
    if process.returncode != 0:
        said = (err or out).decode(errors="replace").strip()[-300:]
        raise RuntimeError(f"wrk failed (exit code {process.returncode}): {said}")
    line = next((x for x in out.decode().splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no result: {out.decode()[-300:]}")
    values = line.split()[1:]
    load = Load(
        requests=int(values[0]),
        seconds=int(values[1]) / 1e6,
        megabytes=int(values[2]) / 1e6,
        wrong=int(values[3]) + int(values[5]),
        missed=int(values[4]),
        p50_ms=float(values[6]) / 1000,
        p95_ms=float(values[7]) / 1000,
    )
    load.server_cpu = (after - before) / TICK / load.seconds
    used = (ended.ru_utime - children.ru_utime) + (ended.ru_stime - children.ru_stime)
    load.client_cpu = used / load.seconds
    return load
