"""GDAL never reaches the network from this server: no file, sidecar or CRS reference in an
upload can make it fetch a URL (issue 12: a GeoJSON ``crs`` link was fetched, then used).

Two GDALs live in the process: the one bundled in pyogrio's wheel (the importers read every
file with it) and the system one GeoDjango loads (boundary imports, geometry parsing). Both
are sealed, in three ways, because GDAL has several roads out:

- every ``CPLHTTPFetch`` (a GeoJSON ``crs`` link or URL name, ``importFromUrl``, a KML or
  VRT reference, the web-service drivers) goes to a fetch callback that refuses it, whatever
  proxy or ``no_proxy`` the environment sets;
- ``/vsicurl/`` and the other network file systems may only open a file name nothing can
  match (``CPL_VSIL_CURL_ALLOWED_FILENAME``);
- ``GDAL_HTTP_PROXY`` points at a closed port, for any road the first two miss.

The importer's vetting (``importers.references``, ``importers.xml_guard``) refuses such
files with a clear message first; this is what holds if a reference slips past it.
"""

import ctypes
import logging
from pathlib import Path

import pyogrio
from django.contrib.gis.gdal.libgdal import lgdal

logger = logging.getLogger(__name__)

CONFIG = {
    "CPL_VSIL_CURL_ALLOWED_FILENAME": "/nonexistent/commonmap-network-access-is-disabled",
    "GDAL_HTTP_PROXY": "127.0.0.1:9",  # the discard port: refused at once
    "GDAL_HTTPS_PROXY": "127.0.0.1:9",
    "GDAL_HTTP_MAX_RETRY": "0",
    "GDAL_HTTP_TIMEOUT": "1",
    "GDAL_HTTP_CONNECTTIMEOUT": "1",
    "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",
}
REFUSAL = b"Common Map: GDAL may not access the network."

# CPLHTTPResult *(*)(const char *url, CSLConstList options, GDALProgressFunc, void *progress,
#                    CPLHTTPFetchWriteFunc, void *write_arg, void *user_data)
_FETCH = ctypes.CFUNCTYPE(
    ctypes.c_void_p,
    ctypes.c_char_p,
    ctypes.c_void_p,
    ctypes.c_void_p,
    ctypes.c_void_p,
    ctypes.c_void_p,
    ctypes.c_void_p,
    ctypes.c_void_p,
)
# CPLHTTPResult starts with int nStatus, char *pszContentType, char *pszErrBuf.
_ERRBUF_OFFSET = 2 * ctypes.sizeof(ctypes.c_void_p)
_RESULT_BYTES = 256  # more than sizeof(CPLHTTPResult) in every GDAL 3.x

_sealed: dict[str, object] = {}  # library path -> its callback (kept alive)
refused: list[str] = []  # URLs GDAL asked for, newest last (for logs and tests)


def _refuser(library: ctypes.CDLL):
    library.CPLCalloc.restype = ctypes.c_void_p
    library.CPLCalloc.argtypes = [ctypes.c_size_t, ctypes.c_size_t]
    library.CPLStrdup.restype = ctypes.c_void_p
    library.CPLStrdup.argtypes = [ctypes.c_char_p]

    def refuse(url, _options, _progress, _progress_arg, _write, _write_arg, _user):
        text = (url or b"").decode("utf-8", "replace")
        refused.append(text)
        del refused[:-100]
        logger.warning("GDAL asked to fetch %r; refused (no network access)", text[:200])
        result = library.CPLCalloc(1, _RESULT_BYTES)
        ctypes.c_int.from_address(result).value = -1
        ctypes.c_void_p.from_address(result + _ERRBUF_OFFSET).value = library.CPLStrdup(REFUSAL)
        return result

    return _FETCH(refuse)


def _seal(library: ctypes.CDLL, key: str) -> None:
    if key in _sealed:
        return
    callback = _refuser(library)
    library.CPLHTTPSetFetchCallback.argtypes = [_FETCH, ctypes.c_void_p]
    library.CPLHTTPSetFetchCallback.restype = None
    library.CPLHTTPSetFetchCallback(callback, None)
    library.CPLSetConfigOption.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
    library.CPLSetConfigOption.restype = None
    for name, value in CONFIG.items():
        library.CPLSetConfigOption(name.encode(), value.encode())
    _sealed[key] = callback


def pyogrio_gdal() -> tuple[ctypes.CDLL, str]:
    """The GDAL library bundled with pyogrio (already loaded by importing it)."""
    folder = Path(pyogrio.__file__).resolve().parent.parent / "pyogrio.libs"
    found = sorted(folder.glob("libgdal*.so*"))
    if not found:  # a pyogrio built against the system GDAL shares GeoDjango's
        return system_gdal()
    return ctypes.CDLL(str(found[0])), str(found[0])


def system_gdal() -> tuple[ctypes.CDLL, str]:
    """The GDAL library GeoDjango loaded."""
    return lgdal, str(lgdal._name)


def seal() -> None:
    """Forbid network access to every GDAL in the process (idempotent)."""
    for library, key in (pyogrio_gdal(), system_gdal()):
        _seal(library, key)
