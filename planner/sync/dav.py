"""A small WebDAV client for one CardDAV address book or CalDAV calendar collection.

Only what two-way sync needs: list members with their ETags (RFC 6578 sync-collection, or a
PROPFIND where the server has no sync tokens), fetch many at once (multiget), and write or delete
one member guarded by its ETag (If-Match / If-None-Match), so a change made on the phone in the
middle of a sync is never overwritten: the server answers 412 and we stop.

Every failure is a `SyncError` with one line a person can act on. The password is never part of
a message: URLs are shown without any user information.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

import requests

from planner.core.errors import FollowupError
from planner.core.textsafe import clean_line

DAV = "DAV:"
CARDDAV = "urn:ietf:params:xml:ns:carddav"
CALDAV = "urn:ietf:params:xml:ns:caldav"
MULTIGET_BATCH = 100
TIMEOUT_SECONDS = 30


_GETETAG = (b'<?xml version="1.0" encoding="utf-8"?>'
            b'<d:propfind xmlns:d="DAV:"><d:prop><d:getetag/></d:prop></d:propfind>')


class SyncError(FollowupError):
    """A sync failure (server unreachable, refused, changed under us, sent something unreadable)."""


class PreconditionFailed(SyncError):
    """412: the member changed on the server since we read it (or exists where we meant to create)."""


class TokenExpired(Exception):
    """The server no longer knows our sync token: list everything again."""


@dataclass
class Listing:
    """Members that changed (href -> ETag), members gone, and the token to ask from next time
    (empty when the server has no sync tokens, and `complete` then: every member is listed)."""

    changed: dict[str, str]
    deleted: list[str]
    token: str
    complete: bool


def display_url(url: str) -> str:
    """The URL without user name or password, safe to print."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return clean_line(urlunsplit((parts.scheme, host, parts.path, "", "")))


def _tag(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}"


class DavCollection:
    """One collection at `url`, spoken to with HTTP Basic authentication when `user` is given."""

    def __init__(self, url: str, *, user: str | None = None, password: str | None = None,
                 kind: str = "contacts", timeout: float = TIMEOUT_SECONDS) -> None:
        self.url = url if url.endswith("/") else url + "/"
        self.kind = kind
        self.session = requests.Session()
        if user is not None:
            self.session.auth = (user, password or "")
        self.timeout = timeout
        self.where = display_url(self.url)

    def close(self) -> None:
        self.session.close()

    # -- HTTP ---------------------------------------------------------------------------------

    def _request(self, method: str, href: str, *, body: bytes | None = None, headers: dict[str, str] | None = None,
                 ok: tuple[int, ...] = (200, 201, 204, 207)) -> requests.Response:
        target = urljoin(self.url, href)
        try:
            response = self.session.request(method, target, data=body, headers=headers or {},
                                            timeout=self.timeout, allow_redirects=False)
        except requests.Timeout:
            raise SyncError(f"{self.where}: the server did not answer within {self.timeout:g} s") from None
        except requests.RequestException as exc:
            reason = "connection refused" if "refused" in str(exc).lower() else type(exc).__name__
            raise SyncError(f"{self.where}: cannot reach the server ({reason})") from None
        status = response.status_code
        if status in ok:
            return response
        where = display_url(target)
        if status == 401:
            raise SyncError(f"{self.where}: the server refused the user name or password (401 Unauthorized)")
        if status == 403:
            raise SyncError(f"{where}: the server does not allow this user to {method} here (403 Forbidden)")
        if status == 404:
            raise SyncError(f"{where}: no such collection or item on the server (404 Not Found)")
        if status == 412:
            raise PreconditionFailed(f"{where}: changed on the server during the sync (412 Precondition Failed); "
                                     "nothing of it was applied, run the sync again")
        raise SyncError(f"{where}: the server answered {status} {clean_line(response.reason or '')} to {method}")

    # -- listing ------------------------------------------------------------------------------

    def list_changes(self, token: str) -> Listing:
        """Members changed since `token` ("" for all of them). Falls back to a full PROPFIND
        listing when the server does not do sync-collection."""
        body = (
            '<?xml version="1.0" encoding="utf-8"?>'
            f'<d:sync-collection xmlns:d="DAV:"><d:sync-token>{_xml_text(token)}</d:sync-token>'
            "<d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>"
        ).encode()
        try:
            response = self._request("REPORT", self.url, body=body, ok=(207, 403, 409, 400, 501),
                                     headers={"Content-Type": "application/xml; charset=utf-8"})
        except PreconditionFailed:
            response = None
        if response is None or response.status_code != 207:
            if token and response is not None and b"valid-sync-token" in response.content:
                raise TokenExpired()
            if token and response is None:
                raise TokenExpired()
            return self._propfind_listing()
        root = self._xml(response)
        changed: dict[str, str] = {}
        deleted: list[str] = []
        for href, status, props in _responses(root):
            if _is_self(href, self.url):
                continue
            if status == 404:
                deleted.append(href)
            elif (etag := props.get("getetag")) is not None:
                changed[href] = etag
        new_token = root.findtext(_tag(DAV, "sync-token")) or ""
        return Listing(changed, deleted, new_token.strip(), complete=not token)

    def _propfind_listing(self) -> Listing:
        body = _GETETAG
        response = self._request("PROPFIND", self.url, body=body, ok=(207,),
                                 headers={"Depth": "1", "Content-Type": "application/xml; charset=utf-8"})
        changed = {href: props["getetag"] for href, _status, props in _responses(self._xml(response))
                   if not _is_self(href, self.url) and props.get("getetag")}
        return Listing(changed, [], "", complete=True)

    def multiget(self, hrefs: list[str]) -> dict[str, tuple[str, str]]:
        """href -> (ETag, text) for each href that still exists."""
        result: dict[str, tuple[str, str]] = {}
        namespace, report, data = ((CARDDAV, "addressbook-multiget", "address-data") if self.kind == "contacts"
                                   else (CALDAV, "calendar-multiget", "calendar-data"))
        for start in range(0, len(hrefs), MULTIGET_BATCH):
            chunk = hrefs[start : start + MULTIGET_BATCH]
            body = (
                f'<?xml version="1.0" encoding="utf-8"?><c:{report} xmlns:d="DAV:" xmlns:c="{namespace}">'
                f"<d:prop><d:getetag/><c:{data}/></d:prop>"
                + "".join(f"<d:href>{_xml_text(href)}</d:href>" for href in chunk)
                + f"</c:{report}>"
            ).encode()
            response = self._request("REPORT", self.url, body=body, ok=(207,),
                                     headers={"Depth": "1", "Content-Type": "application/xml; charset=utf-8"})
            for href, status, props in _responses(self._xml(response)):
                if status in (200, None) and props.get("getetag") is not None and props.get(data) is not None:
                    result[href] = (props["getetag"], props[data])
        return result

    # -- writing ------------------------------------------------------------------------------

    def put(self, href: str, text: str, *, etag: str | None) -> str:
        """Write one member: over the version with `etag`, or a new one (`etag` None) that must
        not exist yet. Returns the new ETag."""
        content_type = "text/vcard; charset=utf-8" if self.kind == "contacts" else "text/calendar; charset=utf-8"
        headers = {"Content-Type": content_type}
        if etag is None:
            headers["If-None-Match"] = "*"
        else:
            headers["If-Match"] = etag
        response = self._request("PUT", href, body=text.encode("utf-8"), headers=headers, ok=(200, 201, 204))
        new_etag = response.headers.get("ETag")
        if new_etag:
            return new_etag
        return self.etag_of(href)

    def delete(self, href: str, *, etag: str | None) -> None:
        headers = {"If-Match": etag} if etag else {}
        self._request("DELETE", href, headers=headers, ok=(200, 204, 404))

    def etag_of(self, href: str) -> str:
        body = _GETETAG
        response = self._request("PROPFIND", href, body=body, ok=(207,),
                                 headers={"Depth": "0", "Content-Type": "application/xml; charset=utf-8"})
        for _href, _status, props in _responses(self._xml(response)):
            if props.get("getetag"):
                return props["getetag"]
        return ""

    def _xml(self, response: requests.Response) -> ET.Element:
        try:
            return ET.fromstring(response.content)
        except ET.ParseError as exc:
            raise SyncError(f"{self.where}: the server sent a reply that is not valid XML ({exc})") from None


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _status_code(text: str | None) -> int | None:
    parts = (text or "").split()
    return int(parts[1]) if len(parts) >= 2 and parts[1].isdigit() else None


def _responses(root: ET.Element):
    """(href, status, {property name: text}) for each <response> of a multistatus."""
    for response in root.findall(_tag(DAV, "response")):
        href = (response.findtext(_tag(DAV, "href")) or "").strip()
        status = _status_code(response.findtext(_tag(DAV, "status")))
        props: dict[str, str] = {}
        for propstat in response.findall(_tag(DAV, "propstat")):
            if _status_code(propstat.findtext(_tag(DAV, "status"))) not in (200, None):
                continue
            prop = propstat.find(_tag(DAV, "prop"))
            for child in list(prop) if prop is not None else []:
                props[child.tag.rsplit("}", 1)[-1]] = child.text or ""
        yield href, status, props


def _is_self(href: str, collection_url: str) -> bool:
    return unquote(urlsplit(href).path).rstrip("/") == unquote(urlsplit(collection_url).path).rstrip("/")
