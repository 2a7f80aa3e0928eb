"""Directory (OIDC) sign-in against a fake identity provider served through httpx.MockTransport:
the happy path, and every refusal (state, nonce, audience, issuer, expiry, key, algorithm,
unlinked or disabled accounts, open redirects, an unreachable directory)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from forceplan.app import create_app
from forceplan.cli import app as cli_app
from forceplan.services import oidc
from forceplan.services.accounts import create_user, disable_user, oidc_account
from forceplan.store import tables as t
from tests.api.conftest import BASE_URL, PASSWORD
from tests.api.conftest import test_settings as settings_for
from tests.web.test_pages import page_sign_in

ISSUER = "https://idp.example.test/realms/force"
CLIENT_ID = "forceplan-web"
SECRET = "client-secret-for-tests"
GENERIC = "Username or password not accepted."


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class FakeIdP:
    """Discovery, JWKS and token endpoints; codes are issued by the test (the 'browser')."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "key-1"
        self.down = False
        self.codes: dict[str, tuple[str, str]] = {}  # code -> (code_challenge, id_token)
        self.token_requests: list[httpx.Request] = []
        self.jwks_fetches = 0

    def jwks(self) -> dict:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [jwk | {"kid": self.kid, "use": "sig", "alg": "RS256"}]}

    def handler(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("connection refused", request=request)
        path = request.url.path
        if path == "/realms/force/.well-known/openid-configuration":
            base = ISSUER + "/protocol/openid-connect"
            return httpx.Response(
                200,
                json={
                    "issuer": ISSUER,
                    "authorization_endpoint": base + "/auth",
                    "token_endpoint": base + "/token",
                    "jwks_uri": base + "/certs",
                },
            )
        if path.endswith("/certs"):
            self.jwks_fetches += 1
            return httpx.Response(200, json=self.jwks())
        if path.endswith("/token") and request.method == "POST":
            self.token_requests.append(request)
            form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
            expected = "Basic " + base64.b64encode(f"{CLIENT_ID}:{SECRET}".encode()).decode()
            if request.headers.get("authorization") != expected:
                return httpx.Response(401, json={"error": "invalid_client"})
            challenge, token = self.codes.pop(form.get("code", ""), (None, None))
            verifier = form.get("code_verifier", "")
            if token is None or _b64(hashlib.sha256(verifier.encode()).digest()) != challenge:
                return httpx.Response(400, json={"error": "invalid_grant"})
            return httpx.Response(200, json={"id_token": token, "token_type": "Bearer"})
        return httpx.Response(404)

    def claims(self, nonce: str, subject: str, **changes) -> dict:
        now = int(time.time())
        base = {"iss": ISSUER, "aud": CLIENT_ID, "sub": subject, "iat": now, "exp": now + 300}
        return {**base, "nonce": nonce, **changes}

    def sign(self, claims: dict, key=None, kid: str | None = None, alg: str = "RS256") -> str:
        return jwt.encode(claims, key or self.key, alg, headers={"kid": kid or self.kid})

    def issue(self, authorize: dict, token: str) -> str:
        code = f"code-{len(self.codes)}-{time.monotonic_ns()}"
        self.codes[code] = (authorize["code_challenge"], token)
        return code


@pytest.fixture
def idp(monkeypatch) -> FakeIdP:
    fake = FakeIdP()
    transport = httpx.MockTransport(fake.handler)
    monkeypatch.setattr(oidc, "client_factory", lambda timeout: httpx.Client(transport=transport))
    oidc.clear_cache()
    yield fake
    oidc.clear_cache()


@pytest.fixture(scope="module")
def linked(store) -> dict[str, str]:
    """oidc-planner linked to sub-planner; oidc-gone linked to sub-gone, then disabled."""
    names = {"planner": "oidc-planner", "gone": "oidc-gone"}
    for key, name in names.items():
        create_user(store.database, store.settings, name, PASSWORD, "planner", "DEMO",
                    oidc_issuer=ISSUER, oidc_subject=f"sub-{key}")  # fmt: skip
    disable_user(store.database, names["gone"])
    return names


def _settings(store, **overrides):
    return settings_for(store.url, oidc_issuer=ISSUER, oidc_client_id=CLIENT_ID,
                         oidc_client_secret=SECRET, **overrides)  # fmt: skip


@pytest.fixture
def browser(store, linked, idp):
    with TestClient(create_app(_settings(store)), base_url=BASE_URL,
                    follow_redirects=False) as client:  # fmt: skip
        yield client


def start(client: TestClient, next_path: str = "/welfare") -> dict[str, str]:
    answer = client.get("/signin/oidc", params={"next": next_path})
    assert answer.status_code == 303, answer.text
    location = urlsplit(answer.headers["location"])
    assert location.netloc == "idp.example.test"
    return {k: v[0] for k, v in parse_qs(location.query).items()}


def back(client: TestClient, authorize: dict, code: str, **extra) -> httpx.Response:
    return client.get(
        "/signin/oidc/callback", params={"code": code, "state": authorize["state"], **extra}
    )


def sign_in(client, idp, subject="sub-planner", next_path="/welfare", **changes):
    authorize = start(client, next_path)
    token = idp.sign(idp.claims(authorize["nonce"], subject, **changes))
    return back(client, authorize, idp.issue(authorize, token))


def audit_rows(store, action: str) -> list:
    a = t.audit_log
    with store.database.read() as connection:
        return connection.execute(select(a).where(a.c.action == action).order_by(a.c.id)).all()


def test_a_linked_account_signs_in_through_the_directory(browser, idp, store):
    before = len(audit_rows(store, "signin"))
    authorize = start(browser)
    assert authorize["response_type"] == "code" and authorize["client_id"] == CLIENT_ID
    assert authorize["scope"] == "openid profile email"
    assert authorize["code_challenge_method"] == "S256" and len(authorize["code_challenge"]) == 43
    assert authorize["redirect_uri"] == f"{BASE_URL}/signin/oidc/callback"
    token = idp.sign(idp.claims(authorize["nonce"], "sub-planner"))
    answer = back(browser, authorize, idp.issue(authorize, token))
    assert answer.status_code == 303 and answer.headers["location"] == "/welfare"
    cookies = answer.headers.get_list("set-cookie")
    assert any(c.startswith("forceplan_session=") and "HttpOnly" in c for c in cookies)
    me = browser.get("/api/v1/auth/me")
    assert me.status_code == 200 and me.json()["account"]["username"] == "oidc-planner"
    rows = audit_rows(store, "signin")
    assert len(rows) == before + 1
    assert rows[-1].username == "oidc-planner" and rows[-1].detail["method"] == "oidc"
    sent = parse_qs(idp.token_requests[-1].content.decode())
    assert sent["grant_type"] == ["authorization_code"] and "client_secret" not in sent


def test_the_sign_in_page_offers_the_directory_only_when_configured(browser, client):
    assert "Sign in with your force directory" in browser.get("/signin").text
    assert "force directory" not in client.get("/signin").text


def test_the_routes_are_not_found_when_oidc_is_not_configured(client):
    assert client.get("/signin/oidc").status_code == 404
    assert client.get("/signin/oidc/callback?code=x&state=y").status_code == 404


def test_a_callback_is_single_use(browser, idp):
    authorize = start(browser)
    token = idp.sign(idp.claims(authorize["nonce"], "sub-planner"))
    assert back(browser, authorize, idp.issue(authorize, token)).status_code == 303
    browser.cookies.delete("forceplan_session")
    again = back(browser, authorize, idp.issue(authorize, token))
    assert again.status_code == 400 and "already been used" in again.text
    assert browser.get("/api/v1/auth/me").status_code == 401


def test_an_unknown_state_is_refused(browser, idp, store):
    authorize = start(browser)
    token = idp.sign(idp.claims(authorize["nonce"], "sub-planner"))
    answer = back(browser, {"state": "forged"}, idp.issue(authorize, token))
    assert answer.status_code == 400 and "expired or has already been used" in answer.text
    assert "forceplan_session=" not in answer.headers.get("set-cookie", "")
    assert audit_rows(store, "signin.oidc.refused")[-1].detail["reason"].startswith("this sign")


def test_a_callback_in_another_browser_is_refused(browser, idp, store):
    authorize = start(browser)
    token = idp.sign(idp.claims(authorize["nonce"], "sub-planner"))
    code = idp.issue(authorize, token)
    with TestClient(browser.app, base_url=BASE_URL, follow_redirects=False) as other:
        answer = back(other, authorize, code)
    assert answer.status_code == 400 and "not started from this browser" in answer.text
    # and the state is spent: the right browser cannot use it afterwards either
    assert back(browser, authorize, code).status_code == 400


def test_a_sign_in_expires_after_ten_minutes():
    now = [1000.0]
    flows = oidc.PendingSignIns(clock=lambda: now[0])
    flows.add(oidc.PendingSignIn("s", "n", "v", "/", "https://x/cb", "h", now[0]))
    now[0] += oidc.FLOW_SECONDS + 1
    assert flows.take("s") is None
    flows.add(oidc.PendingSignIn("t", "n", "v", "/", "https://x/cb", "h", now[0]))
    now[0] += oidc.FLOW_SECONDS - 5
    assert flows.take("t") is not None and flows.take("t") is None


OTHER_RSA = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _none_token(claims: dict) -> str:
    head = _b64(json.dumps({"alg": "none", "typ": "JWT", "kid": "key-1"}).encode())
    return f"{head}.{_b64(json.dumps(claims).encode())}."


def _hs256_with_public_key(idp: FakeIdP, claims: dict) -> str:
    public = idp.key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    head = _b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": idp.kid}).encode())
    body = _b64(json.dumps(claims).encode())
    mac = hmac.new(public, f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{_b64(mac)}"


BAD_TOKENS = {
    "nonce": lambda idp, c: idp.sign(c | {"nonce": "another-sign-in"}),
    "audience": lambda idp, c: idp.sign(c | {"aud": "some-other-app"}),
    "issuer": lambda idp, c: idp.sign(c | {"iss": "https://evil.example/realms/force"}),
    "expired": lambda idp, c: idp.sign(c | {"exp": int(time.time()) - 600}),
    "other key": lambda idp, c: idp.sign(c, key=OTHER_RSA),
    "unknown kid": lambda idp, c: idp.sign(c, key=OTHER_RSA, kid="attacker"),
    "alg none": lambda idp, c: _none_token(c),
    "hs256 with public key": _hs256_with_public_key,
    "es256 unknown key": lambda idp, c: idp.sign(
        c, key=ec.generate_private_key(ec.SECP256R1()), alg="ES256"
    ),
    "no nonce": lambda idp, c: idp.sign({k: v for k, v in c.items() if k != "nonce"}),
}


@pytest.mark.parametrize("flaw", BAD_TOKENS)
def test_a_bad_id_token_is_refused(browser, idp, store, flaw):
    authorize = start(browser)
    token = BAD_TOKENS[flaw](idp, idp.claims(authorize["nonce"], "sub-planner"))
    answer = back(browser, authorize, idp.issue(authorize, token))
    assert answer.status_code == 401, answer.text
    assert "Directory sign-in did not work" in answer.text and "What to do" in answer.text
    assert "Traceback" not in answer.text
    assert browser.get("/api/v1/auth/me").status_code == 401
    assert (
        audit_rows(store, "signin.oidc.refused")[-1]
        .detail["reason"]
        .startswith("the directory's answer was not accepted")
    )


REFUSALS = [("sub-nobody", "no linked account"), ("sub-gone", "account disabled")]


@pytest.mark.parametrize(("subject", "reason"), REFUSALS)
def test_unlinked_and_disabled_identities_get_the_password_refusal(
    browser, idp, store, subject, reason
):
    answer = sign_in(browser, idp, subject)
    assert answer.status_code == 401 and GENERIC in answer.text
    assert browser.get("/api/v1/auth/me").status_code == 401
    refused = audit_rows(store, "signin.oidc.refused")[-1]
    assert refused.detail["reason"] == reason and refused.detail["subject"] == subject
    wrong_password = page_sign_in(browser, "demo-planner", "not the password at all")
    assert wrong_password.status_code == 401 and GENERIC in wrong_password.text


def test_refusals_count_in_the_per_client_limit(store, linked, idp):
    app = create_app(_settings(store, signin_max_failures_per_client=2))
    with TestClient(app, base_url=BASE_URL, follow_redirects=False) as browser:
        assert sign_in(browser, idp, "sub-nobody").status_code == 401
        assert sign_in(browser, idp, "sub-gone").status_code == 401
        answer = browser.get("/signin/oidc")
        assert answer.status_code == 429 and "Retry-After" in answer.headers


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil"])
def test_next_to_another_host_is_ignored(browser, idp, target):
    answer = sign_in(browser, idp, next_path=target)
    assert answer.status_code == 303 and answer.headers["location"] == "/"


def test_the_directory_rotating_its_key_is_followed(browser, idp):
    assert sign_in(browser, idp).status_code == 303
    fetches = idp.jwks_fetches
    idp.key, idp.kid = OTHER_RSA, "key-2"
    browser.cookies.delete("forceplan_session")
    assert sign_in(browser, idp).status_code == 303
    assert idp.jwks_fetches == fetches + 1


def test_an_unreachable_directory_gives_a_clear_page(browser, idp):
    idp.down = True
    answer = browser.get("/signin/oidc")
    assert answer.status_code == 502 and "could not be used" in answer.text
    assert "local account" in answer.text and "Traceback" not in answer.text


def test_the_directory_going_down_mid_sign_in_gives_a_clear_page(browser, idp):
    authorize = start(browser)
    idp.down = True
    oidc.clear_cache()
    answer = back(browser, authorize, "any-code")
    assert answer.status_code == 502 and "could not be used" in answer.text


def test_an_error_from_the_directory_is_shown(browser, idp, store):
    authorize = start(browser)
    answer = browser.get(
        "/signin/oidc/callback",
        params={"state": authorize["state"], "error": "access_denied",
                "error_description": "user is not assigned to the app"},
    )  # fmt: skip
    assert answer.status_code == 400 and "access_denied" in answer.text
    assert "not assigned" in audit_rows(store, "signin.oidc.refused")[-1].detail["reason"]


def test_a_code_the_directory_refuses_is_a_clear_page(browser, idp):
    authorize = start(browser)
    answer = back(browser, authorize, "a-code-the-idp-never-issued")
    assert answer.status_code == 401 and "invalid_grant" in answer.text


def test_the_cli_links_and_unlinks_a_directory_identity(store):
    create_user(store.database, store.settings, "oidc-cli", PASSWORD, "analyst", "DEMO")
    runner = CliRunner()
    args = ["users", "link", "oidc-cli", "--oidc-subject", "sub-cli", "--oidc-issuer", ISSUER,
            "-d", store.url]  # fmt: skip
    result = runner.invoke(cli_app, args)
    assert result.exit_code == 0, result.output
    assert oidc_account(store.database, ISSUER, "sub-cli").username == "oidc-cli"
    taken = runner.invoke(cli_app, [*args[:2], "demo-analyst", *args[3:]])
    assert taken.exit_code != 0 and oidc_account(store.database, ISSUER, "sub-cli")
    result = runner.invoke(cli_app, ["users", "link", "oidc-cli", "--unlink", "-d", store.url])
    assert result.exit_code == 0, result.output
    assert oidc_account(store.database, ISSUER, "sub-cli") is None
    result = runner.invoke(
        cli_app,
        ["users", "add", "oidc-new", "--role", "analyst", "--force", "DEMO", "--no-password",
         "--oidc-subject", "sub-new", "--oidc-issuer", ISSUER, "-d", store.url],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert oidc_account(store.database, ISSUER, "sub-new").username == "oidc-new"
