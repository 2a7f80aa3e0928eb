"""Use case: signing in through the force's directory with OpenID Connect (docs/web.md).

Authorization Code flow with PKCE (S256). The directory authenticates; forceplan authorises:
an identity (the ID token's ``iss`` and ``sub``) signs in only to the enabled local account
linked to it. A pending sign-in (state, nonce, verifier, ``next``) is kept server-side in
memory for ``FLOW_SECONDS``, single-use, and bound to the browser by the hash of a random
value in an HttpOnly cookie, so replayed or planted callbacks (login CSRF) are refused.
Discovery and signing keys are cached; an unknown key id fetches the keys again (rotation).
ID tokens must be RS256/ES256-signed by a published key, for this issuer and client,
unexpired (60 s leeway) and carry the sign-in's nonce.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
import time
import urllib.parse
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import jwt
from jwt.exceptions import ExpiredSignatureError, PyJWKSetError, PyJWTError

from forceplan.config import Settings
from forceplan.errors import ForceplanError
from forceplan.services.accounts import (
    SIGN_IN_REFUSED,
    NewSession,
    SignInRequiredError,
    TooManySignInsError,
    oidc_account,
    start_session,
)
from forceplan.services.audit import Actor, record_event
from forceplan.services.signin import SignInLimiter
from forceplan.store import Database

SCOPE = "openid profile email"
ALGORITHMS = {"RS256": "RSA", "ES256": "EC"}  # allowed ID-token algorithms and key types
FLOW_SECONDS = 600  # a sign-in must come back from the directory within 10 minutes
LEEWAY_SECONDS = 60  # clock skew allowed on exp and iat
MAX_PENDING = 10_000  # sign-ins kept at once (oldest dropped first)
LIMIT_KEY = "oidc:"  # the limiter's username key: refusals are counted per client
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


class DirectorySignInError(ForceplanError):
    """A directory sign-in that cannot go on: refused token, state or callback."""

    status = 400


class DirectoryUnavailableError(DirectorySignInError):
    """The directory could not be reached or gave an answer we cannot use (HTTP 502)."""

    status = 502


class TokenRejectedError(DirectorySignInError):
    """The directory's ID token failed validation (HTTP 401)."""

    status = 401


def _default_client(timeout: float) -> httpx.Client:
    return httpx.Client(timeout=timeout, follow_redirects=False)


# Makes the HTTP client for each request to the directory; tests replace it with a fake IdP.
client_factory: Callable[[float], httpx.Client] = _default_client

_cache: dict[str, tuple[float, Any]] = {}
_cache_lock = threading.Lock()


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()


def configured(settings: Settings) -> bool:
    return bool(settings.oidc_issuer and settings.oidc_client_id)


# --- talking to the directory ----------------------------------------------------------------
def _unavailable(what: str) -> DirectoryUnavailableError:
    return DirectoryUnavailableError(
        f"the force directory could not be used: {what}",
        hint="try again in a few minutes; if it persists, tell your system administrator "
        "(check FORCEPLAN_OIDC_ISSUER and that the directory is reachable), or sign in "
        "with a local account",
    )


def _get_json(settings: Settings, url: str) -> dict:
    try:
        with client_factory(settings.oidc_timeout_seconds) as http:
            answer = http.get(url, headers={"Accept": "application/json"})
    except httpx.HTTPError as exc:
        raise _unavailable(f"{url} did not answer ({type(exc).__name__})") from exc
    if answer.status_code != 200:
        raise _unavailable(f"{url} answered HTTP {answer.status_code}")
    try:
        data = answer.json()
        if not isinstance(data, dict):
            raise ValueError("not an object")
    except ValueError as exc:
        raise _unavailable(f"{url} did not answer with a JSON object") from exc
    return data


def _cached(key: str, ttl: float, fetch: Callable[[], Any], refresh: bool = False) -> Any:
    now = time.monotonic()
    with _cache_lock:
        hit = _cache.get(key)
    if hit is not None and not refresh and now - hit[0] < ttl:
        return hit[1]
    value = fetch()
    with _cache_lock:
        _cache[key] = (now, value)
    return value


def _secure_url(url: object) -> bool:
    parts = urllib.parse.urlsplit(url) if isinstance(url, str) else None
    return bool(parts and parts.netloc) and (
        parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOCAL_HOSTS)
    )


@dataclass(frozen=True)
class Provider:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    auth_methods: tuple[str, ...]


def _provider(settings: Settings) -> Provider:
    issuer = settings.oidc_issuer or ""
    data = _get_json(settings, issuer.rstrip("/") + "/.well-known/openid-configuration")
    if data.get("issuer") != issuer:
        raise _unavailable(
            f"its discovery document names the issuer {data.get('issuer')!r}, not {issuer!r}"
        )
    endpoints = [data.get(k) for k in ("authorization_endpoint", "token_endpoint", "jwks_uri")]
    if not all(_secure_url(url) for url in endpoints):
        raise _unavailable("its discovery document lacks an HTTPS endpoint")
    methods = data.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
    return Provider(issuer, *endpoints, tuple(m for m in methods if isinstance(m, str)))


def discover(settings: Settings) -> Provider:
    """The directory's endpoints, from its discovery document (cached)."""
    ttl = settings.oidc_discovery_ttl_seconds
    return _cached(f"discovery {settings.oidc_issuer}", ttl, lambda: _provider(settings))


# --- the pending sign-ins --------------------------------------------------------------------
@dataclass(frozen=True)
class PendingSignIn:
    state: str
    nonce: str
    verifier: str
    next_path: str
    redirect_uri: str
    browser_hash: str
    started: float


class PendingSignIns:
    """Sign-ins sent to the directory and not yet back: single-use, expiring."""

    def __init__(self, lifetime: float = FLOW_SECONDS, clock=time.monotonic) -> None:
        self.lifetime = lifetime
        self.clock = clock
        self._flows: OrderedDict[str, PendingSignIn] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, flow: PendingSignIn) -> None:
        with self._lock:
            self._flows[flow.state] = flow
            while self._flows and (
                len(self._flows) > MAX_PENDING
                or next(iter(self._flows.values())).started + self.lifetime <= self.clock()
            ):
                self._flows.popitem(last=False)

    def take(self, state: str) -> PendingSignIn | None:
        """The sign-in of this state, removed (so a second callback fails), if still live."""
        with self._lock:
            flow = self._flows.pop(state, None)
        return flow if flow and flow.started + self.lifetime > self.clock() else None


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def begin(
    settings: Settings, flows: PendingSignIns, redirect_uri: str, next_path: str
) -> tuple[str, str]:
    """Start a sign-in: the directory URL to send the browser to, and the value for the
    browser-binding cookie."""
    provider = discover(settings)
    state, nonce, verifier, binding = (secrets.token_urlsafe(32) for _ in range(4))
    pending = (state, nonce, verifier, next_path, redirect_uri, _digest(binding), flows.clock())
    flows.add(PendingSignIn(*pending))
    query = urllib.parse.urlencode(
        {
            "response_type": "code",
            "client_id": settings.oidc_client_id,
            "redirect_uri": redirect_uri,
            "scope": SCOPE,
            "state": state,
            "nonce": nonce,
            "code_challenge": _b64(hashlib.sha256(verifier.encode()).digest()),
            "code_challenge_method": "S256",
        }
    )
    endpoint = provider.authorization_endpoint
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}", binding


def take_flow(flows: PendingSignIns, state: str | None, binding: str | None) -> PendingSignIn:
    """The pending sign-in a callback names, if it is live and this browser started it."""
    flow = flows.take(state) if state else None
    if flow is None:
        raise DirectorySignInError(
            "this sign-in link has expired or has already been used",
            hint="start again from the sign-in page",
        )
    if not binding or not hmac.compare_digest(_digest(binding), flow.browser_hash):
        raise DirectorySignInError(
            "this sign-in was not started from this browser",
            hint="start again from the sign-in page, in the same browser",
        )
    return flow


# --- the code exchange and the ID token ------------------------------------------------------
def _rejected(what: str) -> TokenRejectedError:
    return TokenRejectedError(
        f"the directory's answer was not accepted: {what}",
        hint="sign in again; if it persists, tell your system administrator (the server "
        "clock, or forceplan's OIDC settings, may be wrong)",
    )


def exchange_code(settings: Settings, provider: Provider, code: str, flow: PendingSignIn) -> str:
    """The ID token for an authorization code (with the PKCE verifier)."""
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": flow.redirect_uri,
        "code_verifier": flow.verifier,
        "client_id": settings.oidc_client_id or "",
    }
    auth = None
    secret = settings.oidc_client_secret
    if secret and "client_secret_basic" not in provider.auth_methods:
        form["client_secret"] = secret  # client_secret_post
    elif secret:
        quote = urllib.parse.quote
        auth = httpx.BasicAuth(quote(form["client_id"], safe=""), quote(secret, safe=""))
    try:
        with client_factory(settings.oidc_timeout_seconds) as http:
            answer = http.post(provider.token_endpoint, data=form, auth=auth)
    except httpx.HTTPError as exc:
        raise _unavailable(f"the token endpoint did not answer ({type(exc).__name__})") from exc
    try:
        body = answer.json()
    except ValueError:
        body = {}
    if answer.status_code in (400, 401) and isinstance(body, dict) and "error" in body:
        raise _rejected(f"the directory refused the sign-in code ({str(body['error'])[:100]})")
    if answer.status_code != 200 or not isinstance(body, dict):
        raise _unavailable(f"the token endpoint answered HTTP {answer.status_code}")
    token = body.get("id_token")
    if not isinstance(token, str):
        raise _rejected("no ID token came back")
    return token


def _jwks(settings: Settings, provider: Provider, refresh: bool) -> list[jwt.PyJWK]:
    def fetch() -> list[jwt.PyJWK]:
        try:
            return list(jwt.PyJWKSet.from_dict(_get_json(settings, provider.jwks_uri)).keys)
        except PyJWKSetError as exc:
            raise _unavailable(f"its signing keys cannot be read ({exc})") from exc

    ttl = settings.oidc_discovery_ttl_seconds
    return _cached(f"jwks {provider.jwks_uri}", ttl, fetch, refresh)


def _matching_key(keys: list[jwt.PyJWK], kid: str | None, alg: str) -> jwt.PyJWK | None:
    found = [
        k
        for k in keys
        if k.key_type == ALGORITHMS[alg]
        and (kid is None or k.key_id == kid)
        and k.public_key_use in (None, "sig")
        and (alg != "ES256" or getattr(getattr(k.key, "curve", None), "name", "") == "secp256r1")
    ]
    return found[0] if len(found) == 1 else None


def signing_key(settings: Settings, provider: Provider, kid: str | None, alg: str) -> jwt.PyJWK:
    """The published key of this id; the keys are fetched again once when it is unknown."""
    key = _matching_key(_jwks(settings, provider, False), kid, alg)
    if key is None:
        key = _matching_key(_jwks(settings, provider, True), kid, alg)
    if key is None:
        raise _rejected("the ID token is signed with a key the directory does not publish")
    return key


def validate_id_token(settings: Settings, provider: Provider, token: str, nonce: str) -> dict:
    """The ID token's claims, if signed by the directory for this client and this sign-in."""
    try:
        header = jwt.get_unverified_header(token)
    except PyJWTError as exc:
        raise _rejected("the ID token is malformed") from exc
    alg = header.get("alg")
    if alg not in ALGORITHMS:
        raise _rejected(f"the ID token is signed with {str(alg)[:20]!r}, not RS256 or ES256")
    key = signing_key(settings, provider, header.get("kid"), alg)
    try:
        claims = jwt.decode(
            token,
            key.key,
            algorithms=[alg],
            audience=settings.oidc_client_id,
            issuer=provider.issuer,
            leeway=LEEWAY_SECONDS,
            options={"require": ["iss", "aud", "sub", "exp", "iat", "nonce"]},
        )
    except ExpiredSignatureError as exc:
        raise _rejected("the ID token has expired") from exc
    except PyJWTError as exc:
        raise _rejected(f"the ID token is not valid ({exc})") from exc
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != settings.oidc_client_id:
        raise _rejected("the ID token was issued to another client (azp)")
    if not hmac.compare_digest(str(claims["nonce"]).encode(), nonce.encode()):
        raise _rejected("the ID token belongs to another sign-in (nonce)")
    if not isinstance(claims["sub"], str) or not claims["sub"]:
        raise _rejected("the ID token has no subject")
    return claims


def finish(settings: Settings, flow: PendingSignIn, code: str) -> dict:
    """The validated ID-token claims for the directory's answer to a pending sign-in."""
    provider = discover(settings)
    token = exchange_code(settings, provider, code, flow)
    return validate_id_token(settings, provider, token, flow.nonce)


# --- authorisation: the linked local account -------------------------------------------------
def check_limit(limiter: SignInLimiter, client: str) -> None:
    wait = limiter.retry_after(LIMIT_KEY, client)
    if wait is not None:
        raise TooManySignInsError(wait)


def refuse(database: Database, limiter: SignInLimiter | None, client: str, reason: str,
           subject: str | None = None) -> None:  # fmt: skip
    """Audit a refused directory sign-in (``signin.oidc.refused``); count it per client."""
    if limiter is not None:
        limiter.failed(LIMIT_KEY, client)
    detail = {"client": client, "reason": reason[:300]} | ({"subject": subject} if subject else {})
    name = f"oidc:{subject}"[:200] if subject else None
    record_event(database, Actor(None, name, None), "signin.oidc.refused", "session", None, detail)


def sign_in_linked(
    database: Database, settings: Settings, limiter: SignInLimiter, claims: dict, client: str
) -> NewSession:
    """A session for the enabled account linked to the token's identity; the same refusal as
    a wrong password otherwise (no account enumeration)."""
    account = oidc_account(database, claims["iss"], claims["sub"])
    if account is None or account.disabled:
        reason = "no linked account" if account is None else "account disabled"
        refuse(database, limiter, client, reason, claims["sub"])
        raise SignInRequiredError(SIGN_IN_REFUSED, hint="check your username and password")
    return start_session(database, settings, account, client, method="oidc")
