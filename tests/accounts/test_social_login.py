"""Social sign-in through allauth's real OAuth2 callback, with the provider answered by a fake.

The fake is an HTTP server on 127.0.0.1 with a provider's token, profile and signing-key
endpoints; allauth's provider adapters are pointed at it, so the code exchange and profile
fetch go through the same HTTP client code as in production. Which account a sign-in reaches
(new, linked by a provider-verified e-mail, already linked, or asked for an e-mail) is then
asserted on the users, addresses, social accounts, mails and the session.
"""

import base64
import hashlib
import json
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.models import SocialAccount, SocialApp
from allauth.socialaccount.providers.google import views as google_views
from allauth.socialaccount.providers.google.views import GoogleOAuth2Adapter
from allauth.socialaccount.providers.strava.views import StravaOAuth2Adapter
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.contrib.sites.models import Site
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory
from django.urls import reverse
from rest_framework.test import APIClient

from apps.accounts.models import User
from config.settings.socialaccount import SOCIAL_PROVIDER_APPS, social_providers
from tests.accounts.consents import publish_documents
from tests.accounts.factories import PASSWORD, UserFactory

PROVIDER_ENV = {
    "google": {
        "GOOGLE_CLIENT_ID": "stride-test.apps.googleusercontent.com",
        "GOOGLE_CLIENT_SECRET": "google-secret",
    },
    "apple": {
        "APPLE_CLIENT_ID": "app.stride.signin",
        "APPLE_KEY_ID": "KEY123",
        "APPLE_TEAM_ID": "TEAM456",
        "APPLE_PRIVATE_KEY": "-----BEGIN PRIVATE KEY-----\\nMIGT\\n-----END PRIVATE KEY-----",
    },
    "facebook": {"FACEBOOK_APP_ID": "fb-app-id", "FACEBOOK_APP_SECRET": "fb-secret"},
    "strava": {"STRAVA_CLIENT_ID": "4242", "STRAVA_CLIENT_SECRET": "strava-secret"},
}
GOOGLE_CLIENT_ID = PROVIDER_ENV["google"]["GOOGLE_CLIENT_ID"]
CALLBACK = "http://testserver/accounts/{provider}/login/callback/"
SIGNING_KID = "fake-google-key-1"


# --- The fake provider --------------------------------------------------------------------


class FakeProvider:
    """Token endpoint, profile endpoints and signing certificates of an OAuth2 provider.

    A code is good once, for the client it was issued to; a profile is served only to the
    bearer of the access token it belongs to."""

    def __init__(self, url: str, certs: dict[str, str]):
        self.url = url
        self.certs = certs
        self.clients: dict[str, str] = {}  # client_id -> secret
        self.codes: dict[str, dict] = {}  # code -> token response
        self.profiles: dict[str, dict] = {}  # access token -> profile
        self.token_requests: list[dict[str, str]] = []
        self.profile_requests: list[str] = []

    def issue(self, code: str, *, access_token: str, profile: dict, **token_fields) -> None:
        self.codes[code] = {"access_token": access_token, "token_type": "Bearer", **token_fields}
        self.profiles[access_token] = profile

    def token(self, form: dict[str, str]) -> tuple[int, dict]:
        self.token_requests.append(form)
        client_id = form.get("client_id", "")
        if form.get("grant_type") != "authorization_code" or (
            self.clients.get(client_id) != form.get("client_secret")
        ):
            return 401, {"error": "invalid_client"}
        response = self.codes.pop(form.get("code", ""), None)
        if response is None:
            return 400, {"error": "invalid_grant"}
        return 200, response

    def profile(self, authorization: str) -> tuple[int, dict]:
        self.profile_requests.append(authorization)
        token = authorization.removeprefix("Bearer ")
        if token not in self.profiles:
            return 401, {"error": "invalid_token"}
        return 200, self.profiles[token]


class _Handler(BaseHTTPRequestHandler):
    fake: FakeProvider

    def _send(self, status: int, payload: dict) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        if self.path == "/token":
            self._send(*self.server.fake.token(form))
        else:
            self._send(404, {"error": "not_found"})

    def do_GET(self):
        if self.path in ("/userinfo", "/api/v3/athlete"):
            self._send(*self.server.fake.profile(self.headers.get("Authorization", "")))
        elif self.path == "/certs":
            self._send(200, self.server.fake.certs)
        else:
            self._send(404, {"error": "not_found"})

    def log_message(self, format, *args):
        pass


def _rsa_key_and_certificate() -> tuple[rsa.RSAPrivateKey, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "fake-google")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return key, certificate.public_bytes(serialization.Encoding.PEM).decode()


@pytest.fixture(scope="module")
def signing_key() -> tuple[rsa.RSAPrivateKey, str]:
    return _rsa_key_and_certificate()


@pytest.fixture
def fake_provider(signing_key, monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    url = f"http://127.0.0.1:{server.server_address[1]}"
    server.fake = FakeProvider(url, certs={SIGNING_KID: signing_key[1]})
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield server.fake
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


# --- Configuration ------------------------------------------------------------------------


@pytest.fixture
def configure(monkeypatch, settings):
    """`configure("google", ...)`: exactly these providers' keys in the environment, read by
    the settings module as at start-up."""

    def apply(*providers: str) -> None:
        for variables in PROVIDER_ENV.values():
            for name in variables:
                monkeypatch.delenv(name, raising=False)
        for provider in providers:
            for name, value in PROVIDER_ENV[provider].items():
                monkeypatch.setenv(name, value)
        settings.SOCIALACCOUNT_PROVIDERS = social_providers()

    apply()
    return apply


@pytest.fixture
def google(configure, fake_provider, monkeypatch):
    configure("google", "strava")
    fake_provider.clients[GOOGLE_CLIENT_ID] = PROVIDER_ENV["google"]["GOOGLE_CLIENT_SECRET"]
    monkeypatch.setattr(GoogleOAuth2Adapter, "authorize_url", f"{fake_provider.url}/authorize")
    monkeypatch.setattr(GoogleOAuth2Adapter, "access_token_url", f"{fake_provider.url}/token")
    monkeypatch.setattr(GoogleOAuth2Adapter, "identity_url", f"{fake_provider.url}/userinfo")
    monkeypatch.setattr(google_views, "CERTS_URL", f"{fake_provider.url}/certs")
    return fake_provider


@pytest.fixture
def strava(configure, fake_provider, monkeypatch):
    configure("google", "strava")
    fake_provider.clients["4242"] = PROVIDER_ENV["strava"]["STRAVA_CLIENT_SECRET"]
    monkeypatch.setattr(StravaOAuth2Adapter, "authorize_url", f"{fake_provider.url}/authorize")
    monkeypatch.setattr(StravaOAuth2Adapter, "access_token_url", f"{fake_provider.url}/token")
    monkeypatch.setattr(StravaOAuth2Adapter, "profile_url", f"{fake_provider.url}/api/v3/athlete")
    return fake_provider


def google_id_token(signing_key, *, sub: str, email: str, verified: bool, **claims) -> str:
    now = int(time.time())
    payload = {
        "iss": "https://accounts.google.com",
        "aud": GOOGLE_CLIENT_ID,
        "azp": GOOGLE_CLIENT_ID,
        "sub": sub,
        "email": email,
        "email_verified": verified,
        "given_name": "Ada",
        "family_name": "Lovelace",
        "iat": now,
        "exp": now + 3600,
        **claims,
    }
    key, _certificate = signing_key
    return jwt.encode(payload, key, algorithm="RS256", headers={"kid": SIGNING_KID})


def google_issues(fake, signing_key, code: str, *, sub: str, email: str, verified: bool):
    """Google's answer as it really comes: an id_token beside the access token."""
    id_token = google_id_token(signing_key, sub=sub, email=email, verified=verified)
    fake.issue(code, access_token=f"at-{code}", profile={}, id_token=id_token, expires_in=3599)


# --- Flow helpers -------------------------------------------------------------------------


def start(client: Client, provider: str) -> dict[str, str]:
    """POST to the provider's login URL; the query of the redirect to its authorize page."""
    response = client.post(f"/accounts/{provider}/login/", {"process": "login"})
    assert response.status_code == 302, response.content
    return {k: v[0] for k, v in parse_qs(urlsplit(response["Location"]).query).items()}


def come_back(client: Client, provider: str, *, code: str, state: str, **headers):
    """The browser returning from the provider's consent page with a code."""
    return client.get(
        f"/accounts/{provider}/login/callback/", {"code": code, "state": state}, **headers
    )


def sign_in(client: Client, provider: str, *, code: str, **headers):
    return come_back(client, provider, code=code, state=start(client, provider)["state"], **headers)


def signed_in_user_id(client: Client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value else None


# --- Google: the account-linking cases ------------------------------------------------------


def test_the_provider_apps_are_installed(settings):
    """Without them in INSTALLED_APPS (base.py) no provider has URLs, whatever the keys."""
    assert set(SOCIAL_PROVIDER_APPS) <= set(settings.INSTALLED_APPS)


@pytest.mark.django_db
def test_google_new_person_gets_a_verified_account_and_is_signed_in(google, signing_key):
    client = Client()
    response = client.post("/accounts/google/login/", {"process": "login"})
    assert response.status_code == 302
    authorize = urlsplit(response["Location"])
    assert f"{authorize.scheme}://{authorize.netloc}{authorize.path}" == f"{google.url}/authorize"
    params = {k: v[0] for k, v in parse_qs(authorize.query).items()}
    assert params["client_id"] == GOOGLE_CLIENT_ID
    assert params["redirect_uri"] == CALLBACK.format(provider="google")
    assert params["response_type"] == "code"
    assert set(params["scope"].split()) == {"profile", "email"}
    assert params["code_challenge_method"] == "S256"

    google_issues(google, signing_key, "code-1", sub="g-1", email="Ada@Example.com", verified=True)
    response = come_back(
        client, "google", code="code-1", state=params["state"], HTTP_ACCEPT_LANGUAGE="de"
    )

    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    # The code was exchanged once, with the app's secret and the PKCE verifier.
    [exchange] = google.token_requests
    verifier = exchange.pop("code_verifier")
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    assert challenge.rstrip(b"=").decode() == params["code_challenge"]
    assert exchange == {
        "grant_type": "authorization_code",
        "code": "code-1",
        "redirect_uri": CALLBACK.format(provider="google"),
        "client_id": GOOGLE_CLIENT_ID,
        "client_secret": "google-secret",
    }
    user = User.objects.get()
    assert user.email == "ada@example.com"
    assert user.language == "de"
    assert not user.has_usable_password()
    assert list(EmailAddress.objects.values_list("user", "email", "verified", "primary")) == [
        (user.pk, "ada@example.com", True, True)
    ]
    assert list(SocialAccount.objects.values_list("user", "provider", "uid")) == [
        (user.pk, "google", "g-1")
    ]
    assert mail.outbox == []  # Google vouched for the address: nothing to verify
    assert signed_in_user_id(client) == user.pk
    assert client.get("/dashboard/").status_code == 200


@pytest.mark.django_db
def test_google_verified_email_signs_in_to_and_links_the_existing_account(google, signing_key):
    existing = UserFactory(email="runner@example.com")
    client = Client()
    google_issues(
        google, signing_key, "code-2", sub="g-2", email="runner@example.com", verified=True
    )

    response = sign_in(client, "google", code="code-2")

    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    assert list(User.objects.values_list("pk", flat=True)) == [existing.pk]
    assert list(SocialAccount.objects.values_list("user", "provider", "uid")) == [
        (existing.pk, "google", "g-2")
    ]
    assert signed_in_user_id(client) == existing.pk
    existing.refresh_from_db()
    assert existing.check_password(PASSWORD)  # a verified local address keeps its password
    assert EmailAddress.objects.get().verified is True


@pytest.mark.django_db
def test_google_unverified_email_does_not_take_over_the_existing_account(google, signing_key):
    existing = UserFactory(email="runner@example.com")
    client = Client()
    google_issues(
        google, signing_key, "code-3", sub="g-3", email="runner@example.com", verified=False
    )

    response = sign_in(client, "google", code="code-3")

    # allauth answers as for any sign-up with a taken address: "check your e-mail".
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert signed_in_user_id(client) is None
    assert list(User.objects.values_list("pk", flat=True)) == [existing.pk]
    assert not SocialAccount.objects.exists()
    existing.refresh_from_db()
    assert existing.check_password(PASSWORD)
    assert [m.to for m in mail.outbox] == [["runner@example.com"]]  # "you already have one"
    assert client.get("/dashboard/").status_code == 302


@pytest.mark.django_db
def test_google_new_person_with_an_unverified_email_verifies_it_by_email(google, signing_key):
    client = Client()
    google_issues(google, signing_key, "code-9", sub="g-9", email="new@example.com", verified=False)

    response = sign_in(client, "google", code="code-9")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get()
    assert list(EmailAddress.objects.values_list("user", "email", "verified")) == [
        (user.pk, "new@example.com", False)
    ]
    assert list(SocialAccount.objects.values_list("user", "uid")) == [(user.pk, "g-9")]
    assert signed_in_user_id(client) is None
    assert [m.to for m in mail.outbox] == [["new@example.com"]]
    assert "/accounts/confirm-email/" in mail.outbox[0].body


@pytest.mark.django_db
def test_google_verified_email_locks_out_a_squatter_on_an_unverified_local_account(
    google, signing_key
):
    """Someone registered the address without owning it. The owner's Google sign-in reaches the
    account and links it; the squatter's password and sessions are wiped (allauth); the owner
    still confirms the address by e-mail before being let in."""
    squatter = UserFactory(email="owner@example.com", verified=False)
    squatter.save()  # the factory saves the password only with a verified address
    EmailAddress.objects.create(
        user=squatter, email="owner@example.com", verified=False, primary=True
    )
    squatter.refresh_from_db()
    assert squatter.check_password(PASSWORD)
    google_issues(
        google, signing_key, "code-4", sub="g-4", email="owner@example.com", verified=True
    )
    client = Client()

    response = sign_in(client, "google", code="code-4")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    squatter.refresh_from_db()
    assert not squatter.has_usable_password()
    assert list(SocialAccount.objects.values_list("user", "uid")) == [(squatter.pk, "g-4")]
    assert list(User.objects.values_list("pk", flat=True)) == [squatter.pk]
    assert signed_in_user_id(client) is None
    # Only the address's owner hears of it: the link to confirm it, and a notice that a
    # Google account was connected (ACCOUNT_EMAIL_NOTIFICATIONS).
    assert {tuple(m.to) for m in mail.outbox} == {("owner@example.com",)}
    assert any("/accounts/confirm-email/" in m.body for m in mail.outbox)
    assert len(mail.outbox) == 2, [m.subject for m in mail.outbox]


@pytest.mark.django_db
def test_google_new_person_is_asked_for_the_consents_the_sign_up_form_would_have_asked(
    google, signing_key
):
    publish_documents()
    google_issues(google, signing_key, "code-8", sub="g-8", email="new@example.com", verified=True)
    client = Client()
    sign_in(client, "google", code="code-8")

    response = client.get("/dashboard/")

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts-consents')}?next=%2Fdashboard%2F"


@pytest.mark.django_db
def test_google_second_sign_in_reaches_the_linked_account_whatever_its_email_now(google):
    # This time Google answers through its userinfo endpoint (no id_token in the token reply).
    google.issue(
        "code-5",
        access_token="at-5",
        profile={"id": "g-5", "email": "first@example.com", "verified_email": True},
    )
    first = Client()
    sign_in(first, "google", code="code-5")
    user = User.objects.get()
    assert google.profile_requests == ["Bearer at-5"]

    google.issue(
        "code-6",
        access_token="at-6",
        profile={"id": "g-5", "email": "renamed@example.com", "verified_email": True},
    )
    second = Client()
    response = sign_in(second, "google", code="code-6")

    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    assert signed_in_user_id(second) == user.pk
    assert list(User.objects.values_list("pk", flat=True)) == [user.pk]
    account = SocialAccount.objects.get()
    assert (account.user_id, account.uid) == (user.pk, "g-5")
    assert account.extra_data["email"] == "renamed@example.com"


@pytest.mark.django_db
def test_google_code_rejected_by_the_provider_signs_nobody_in(google):
    client = Client()
    response = sign_in(client, "google", code="never-issued")

    assert response.status_code == 401
    assert [r["code"] for r in google.token_requests] == ["never-issued"]
    assert signed_in_user_id(client) is None
    assert not User.objects.exists()


@pytest.mark.django_db
def test_callback_with_a_forged_state_is_refused_before_any_exchange(google):
    client = Client()
    start(client, "google")
    response = come_back(client, "google", code="code-7", state="forged-state")

    assert response.status_code == 401
    assert google.token_requests == []
    assert not User.objects.exists()


# --- Strava: no e-mail ---------------------------------------------------------------------


STRAVA_ATHLETE = {"id": 12345, "username": "ada_runs", "firstname": "Ada", "lastname": "L"}


@pytest.mark.django_db
def test_strava_sign_in_asks_for_an_email_then_verifies_it(strava):
    strava.issue("s-1", access_token="st-1", profile=STRAVA_ATHLETE, athlete=STRAVA_ATHLETE)
    client = Client()

    response = sign_in(client, "strava", code="s-1", HTTP_ACCEPT_LANGUAGE="ru")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/3rdparty/signup/"
    assert strava.profile_requests == ["Bearer st-1"]
    assert not User.objects.exists()
    page = client.get("/accounts/3rdparty/signup/")
    assert page.status_code == 200
    assert b'name="email"' in page.content

    response = client.post(
        "/accounts/3rdparty/signup/", {"email": "Ada@Example.com"}, HTTP_ACCEPT_LANGUAGE="ru"
    )

    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get()
    assert (user.email, user.language) == ("ada@example.com", "ru")
    assert list(EmailAddress.objects.values_list("email", "verified")) == [
        ("ada@example.com", False)
    ]
    assert list(SocialAccount.objects.values_list("user", "provider", "uid")) == [
        (user.pk, "strava", "12345")
    ]
    assert signed_in_user_id(client) is None  # not before the address is verified
    assert [m.to for m in mail.outbox] == [["ada@example.com"]]
    assert "/accounts/confirm-email/" in mail.outbox[0].body


@pytest.mark.django_db
def test_strava_typed_email_of_an_existing_account_does_not_take_it_over(strava):
    existing = UserFactory(email="runner@example.com")
    strava.issue("s-2", access_token="st-2", profile=STRAVA_ATHLETE)
    client = Client()
    sign_in(client, "strava", code="s-2")

    response = client.post("/accounts/3rdparty/signup/", {"email": "runner@example.com"})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert list(User.objects.values_list("pk", flat=True)) == [existing.pk]
    assert not SocialAccount.objects.exists()
    assert signed_in_user_id(client) is None
    assert [m.to for m in mail.outbox] == [["runner@example.com"]]


# --- Headless API (single-page app and mobile apps) -----------------------------------------


@pytest.mark.django_db
def test_headless_browser_redirect_flow_signs_in_with_google(google, signing_key):
    client = Client()
    response = client.post(
        "/_allauth/browser/v1/auth/provider/redirect",
        {"provider": "google", "callback_url": "/app/signed-in", "process": "login"},
    )
    assert response.status_code == 302
    state = parse_qs(urlsplit(response["Location"]).query)["state"][0]
    google_issues(google, signing_key, "h-1", sub="g-h1", email="spa@example.com", verified=True)

    response = come_back(client, "google", code="h-1", state=state)

    assert response.status_code == 302
    assert response["Location"] == "/app/signed-in"
    session = client.get("/_allauth/browser/v1/auth/session")
    assert session.status_code == 200
    assert session.json()["data"]["user"]["email"] == "spa@example.com"
    assert session.json()["data"]["methods"][0]["method"] == "socialaccount"


@pytest.mark.django_db
def test_headless_browser_strava_leaves_a_pending_provider_signup(strava):
    client = Client()
    response = client.post(
        "/_allauth/browser/v1/auth/provider/redirect",
        {"provider": "strava", "callback_url": "/app/signed-in", "process": "login"},
    )
    state = parse_qs(urlsplit(response["Location"]).query)["state"][0]
    strava.issue("h-2", access_token="st-h2", profile=STRAVA_ATHLETE)

    response = come_back(client, "strava", code="h-2", state=state)
    assert response.status_code == 302
    assert response["Location"] == "/app/signed-in"

    session = client.get("/_allauth/browser/v1/auth/session")
    assert session.status_code == 401
    pending = [f for f in session.json()["data"]["flows"] if f.get("is_pending")]
    assert [(f["id"], f["provider"]["id"]) for f in pending] == [("provider_signup", "strava")]

    response = client.post(
        "/_allauth/browser/v1/auth/provider/signup",
        {"email": "spa.runner@example.com"},
        content_type="application/json",
    )
    assert response.status_code == 401
    pending = [f["id"] for f in response.json()["data"]["flows"] if f.get("is_pending")]
    assert pending == ["verify_email"]
    assert [m.to for m in mail.outbox] == [["spa.runner@example.com"]]
    assert SocialAccount.objects.get().user.email == "spa.runner@example.com"


@pytest.mark.django_db
def test_headless_app_google_id_token_is_checked_against_the_signing_keys(google, signing_key):
    """A mobile app signs in with Google's SDK and hands over the id_token; allauth checks its
    signature against Google's published certificates (here the fake's)."""
    id_token = google_id_token(signing_key, sub="g-app", email="app@example.com", verified=True)
    client = APIClient()

    response = client.post(
        "/_allauth/app/v1/auth/provider/token",
        {
            "provider": "google",
            "process": "login",
            "token": {"client_id": GOOGLE_CLIENT_ID, "id_token": id_token},
        },
        format="json",
    )

    assert response.status_code == 200, response.content
    token = response.json()["meta"]["session_token"]
    me = client.get("/api/v1/me/", HTTP_X_SESSION_TOKEN=token)
    assert me.status_code == 200
    assert (me.json()["email"], me.json()["email_verified"]) == ("app@example.com", True)
    assert google.token_requests == []  # no code to exchange in this flow

    forger_key, _certificate = _rsa_key_and_certificate()
    forged = google_id_token((forger_key, ""), sub="g-app", email="app@example.com", verified=True)
    response = APIClient().post(
        "/_allauth/app/v1/auth/provider/token",
        {
            "provider": "google",
            "process": "login",
            "token": {"client_id": GOOGLE_CLIENT_ID, "id_token": forged},
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "invalid_token"


# --- Which providers are offered ----------------------------------------------------------


def _offered(client: Client) -> list[str]:
    response = client.get("/_allauth/browser/v1/config")
    assert response.status_code == 200
    return [p["id"] for p in response.json()["data"]["socialaccount"]["providers"]]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "configured",
    [(), ("google",), ("apple",), ("facebook",), ("strava",), ("apple", "facebook", "google")],
)
def test_a_provider_is_offered_only_when_its_keys_are_configured(configure, configured):
    configure(*configured)

    assert sorted(_offered(Client())) == sorted(configured)
    request = RequestFactory().get("/")
    assert sorted(p.id for p in get_adapter(request).list_providers(request)) == sorted(configured)


@pytest.mark.django_db
def test_a_provider_without_keys_cannot_be_started(configure):
    configure("google")
    client = Client()

    assert client.post("/accounts/facebook/login/", {"process": "login"}).status_code == 404
    assert client.get("/accounts/apple/login/").status_code == 404
    assert client.get("/accounts/strava/login/callback/?code=c&state=s").status_code == 404
    response = client.post(
        "/_allauth/browser/v1/auth/provider/redirect",
        {"provider": "facebook", "callback_url": "/app/signed-in", "process": "login"},
    )
    assert response.status_code == 401  # allauth's "third-party login failure" page
    response = APIClient().post(
        "/_allauth/app/v1/auth/provider/token",
        {
            "provider": "facebook",
            "process": "login",
            "token": {"client_id": "x", "access_token": "y"},
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "invalid_token"


@pytest.mark.django_db
def test_a_social_app_added_by_staff_in_the_admin_enables_its_provider(configure):
    configure()
    app = SocialApp.objects.create(
        provider="strava", name="Strava", client_id="db-client", secret="db-secret"
    )
    app.sites.add(Site.objects.get_current())

    assert _offered(Client()) == ["strava"]


def test_apple_keys_become_an_app_with_the_private_key(configure, settings):
    configure("apple")

    assert settings.SOCIALACCOUNT_PROVIDERS["apple"]["APPS"] == [
        {
            "client_id": "app.stride.signin",
            "secret": "KEY123",
            "key": "TEAM456",
            "settings": {
                "certificate_key": "-----BEGIN PRIVATE KEY-----\nMIGT\n-----END PRIVATE KEY-----"
            },
        }
    ]


def test_half_configured_provider_fails_at_start(monkeypatch):
    for variables in PROVIDER_ENV.values():
        for name in variables:
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("STRAVA_CLIENT_ID", "4242")

    with pytest.raises(ImproperlyConfigured, match="STRAVA_CLIENT_SECRET"):
        social_providers()
