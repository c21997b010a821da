"""Fetching a URL a user typed in, on the server, without letting it reach inside our network.

Only http and https; the host is resolved once and every address it resolves to must be a public
one (no private, loopback, link-local, multicast, reserved or unspecified address), and the
connection goes to the address that was checked (no second lookup an attacker's DNS could
answer differently). Redirects are followed by hand, each hop checked the same way. The body is
read in chunks up to a size limit, the whole exchange has a time limit, and the caller's ETag
and Last-Modified make it a conditional request.

`settings.FETCH_ALLOW_LOOPBACK` (False unless a test sets it) lets 127.0.0.1/::1 through, so tests
can serve feeds from a local thread; nothing else is ever allowed.
"""

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

MAX_BYTES = 5 * 1024 * 1024
TIMEOUT_SECONDS = 20
MAX_REDIRECTS = 3
USER_AGENT = "Standortlotse feed reader"


class FetchRefused(Exception):
    """The URL may not be fetched or the answer broke a limit; the message says which, for users."""


@dataclass
class Fetched:
    url: str
    status: int  # 200, or 304 when the conditional request found nothing new
    body: bytes
    etag: str
    last_modified: str
    content_type: str


def _allowed(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip.is_loopback and getattr(settings, "FETCH_ALLOW_LOOPBACK", False):
        return True
    return ip.is_global and not ip.is_multicast


def resolve(host: str, port: int) -> str:
    """The first address of host, after checking that every address it resolves to is public."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise FetchRefused(_("The host %(host)s is not known.") % {"host": host}) from None
    addresses = [str(info[4][0]) for info in infos]
    if not addresses:
        raise FetchRefused(_("The host %(host)s is not known.") % {"host": host})
    for address in addresses:
        if not _allowed(address):
            raise FetchRefused(
                _(
                    "The address %(url)s points into a private or local network (%(address)s) and "
                    "is not fetched. Accepted: public http or https addresses."
                )
                % {"url": host, "address": address}
            )
    return addresses[0]


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host, port, address, **kwargs):
        super().__init__(host, port, **kwargs)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host, port, address, **kwargs):
        self._tls = ssl.create_default_context()
        super().__init__(host, port, context=self._tls, **kwargs)
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(sock, server_hostname=self.host)


def fetch(
    url: str,
    *,
    etag: str = "",
    last_modified: str = "",
    max_bytes: int = MAX_BYTES,
    timeout: float = TIMEOUT_SECONDS,
    user_agent: str = USER_AGENT,
) -> Fetched:
    """GET url under the rules above; raises FetchRefused with a message naming the limit."""
    deadline = time.monotonic() + timeout
    for _hop in range(MAX_REDIRECTS + 1):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchRefused(
                _("The address %(url)s is not fetched. Accepted: http:// and https:// addresses.")
                % {"url": url}
            )
        port = parts.port or (443 if parts.scheme == "https" else 80)
        address = resolve(parts.hostname, port)
        kind = _PinnedHTTPS if parts.scheme == "https" else _PinnedHTTP
        connection = kind(
            parts.hostname, port, address, timeout=max(deadline - time.monotonic(), 0.1)
        )
        headers = {"User-Agent": user_agent, "Accept": "application/json, text/csv, */*"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            if response.status in (301, 302, 303, 307, 308) and response.getheader("Location"):
                url = urljoin(url, response.getheader("Location"))
                connection.close()
                continue
            body = _read(response, max_bytes, deadline, url)
        except TimeoutError:
            raise _too_slow(url, timeout) from None
        except (OSError, http.client.HTTPException) as error:
            raise FetchRefused(
                _("The address %(url)s could not be fetched (%(error)s).")
                % {"url": url, "error": error}
            ) from None
        finally:
            connection.close()
        if response.status not in (200, 304):
            raise FetchRefused(
                _("The address %(url)s answered with HTTP status %(status)d.")
                % {"url": url, "status": response.status}
            )
        return Fetched(
            url=url,
            status=response.status,
            body=body,
            etag=response.getheader("ETag") or "",
            last_modified=response.getheader("Last-Modified") or "",
            content_type=response.getheader("Content-Type") or "",
        )
    raise FetchRefused(
        _("The address %(url)s redirects more than %(count)d times.")
        % {"url": url, "count": MAX_REDIRECTS}
    )


def _too_slow(url, timeout) -> FetchRefused:
    return FetchRefused(
        _("The address %(url)s did not answer within %(seconds)d seconds.")
        % {"url": url, "seconds": timeout}
    )


def _read(response, max_bytes: int, deadline: float, url: str) -> bytes:
    length = response.getheader("Content-Length")
    if length and length.isdigit() and int(length) > max_bytes:
        raise _too_large(url, max_bytes)
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise TimeoutError
        chunk = response.read1(64 * 1024) if hasattr(response, "read1") else response.read(65536)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > max_bytes:
            raise _too_large(url, max_bytes)
        chunks.append(chunk)


def _too_large(url, max_bytes) -> FetchRefused:
    return FetchRefused(
        _("The answer of %(url)s is larger than %(size)d MB and is not read.")
        % {"url": url, "size": max_bytes // (1024 * 1024)}
    )
