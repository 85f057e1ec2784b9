"""Administrators pass a second factor (django-otp) before the admin opens: enrolment by QR code with recovery
codes shown once, then a TOTP code at each sign-in; wrong, replayed and hurried codes are refused in French."""

import re
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import UserFactory
from tests.second_factor import authenticator, current_code

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
LOGIN = reverse("admin:login")
INDEX = reverse("admin:index")
VERIFY = reverse("admin:second-factor")
ENROL = reverse("admin:second-factor-enrol")


@pytest.fixture
def admin_user(db):
    return UserFactory(username="alice", password=PASSWORD, is_staff=True, is_superuser=True)


@pytest.fixture
def enrolled(admin_user):
    return authenticator(admin_user)


def sign_in_with_password(client, username="alice", next_url=INDEX):
    return client.post(LOGIN, {"username": username, "password": PASSWORD, "next": next_url})


def give_code(client, code, url=VERIFY, next_url=INDEX):
    return client.post(url, {"code": code, "next": next_url})


def test_the_password_alone_does_not_open_the_admin(client, enrolled):
    response = sign_in_with_password(client)
    assert response.status_code == 302
    assert response.url.startswith(VERIFY)
    # The admin itself stays closed: back to the login, which sends on to the code page.
    assert client.get(INDEX).url.startswith(LOGIN)
    assert client.get(LOGIN).url.startswith(VERIFY)
    page = client.get(VERIFY)
    assert page.status_code == 200
    assert "saisissez le code que votre application" in page.content.decode()


def test_the_code_from_the_app_opens_the_admin_and_keeps_the_requested_page(client, enrolled):
    target = reverse("admin:directory_organisation_changelist")
    sign_in_with_password(client, next_url=target)
    response = give_code(client, current_code(enrolled), next_url=target)
    assert response.status_code == 302 and response.url == target
    assert client.get(target).status_code == 200


def test_a_first_sign_in_enrols_by_qr_code_and_shows_the_recovery_codes_once(client, admin_user):
    response = sign_in_with_password(client)
    assert client.get(response.url).url.startswith(ENROL)  # no device yet: enrolment first

    page = client.get(ENROL).content.decode()
    device = TOTPDevice.objects.get(user=admin_user, confirmed=False)
    assert '<svg width="' in page and "QR code à scanner" in page  # drawn inline, no image fetched
    secret = re.search(r'<code class="second-factor-secret">([A-Z2-7 ]+)</code>', page).group(1)
    assert len(secret.replace(" ", "")) == 32

    done = give_code(client, current_code(device), url=ENROL)
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", done.content.decode())
    assert len(codes) == 10
    assert set(codes) == set(StaticToken.objects.filter(device__user=admin_user).values_list("token", flat=True))
    assert "ne seront plus" in done.content.decode()
    assert client.get(INDEX).status_code == 200
    # Enrolment is closed once a phone is confirmed: a stolen password cannot enrol another one.
    assert client.get(ENROL).url.startswith(INDEX)


def test_enrolment_is_closed_to_a_password_once_a_device_exists(client, enrolled):
    sign_in_with_password(client)
    response = client.get(ENROL)
    assert response.status_code == 302 and response.url.startswith(VERIFY)
    assert not TOTPDevice.objects.filter(confirmed=False).exists()


def test_a_wrong_code_is_refused_in_french_on_the_same_form(client, enrolled):
    sign_in_with_password(client)
    wrong = f"{(int(current_code(enrolled)) + 1) % 1_000_000:06d}"
    response = give_code(client, wrong)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ce code n&#x27;est pas valable" in page
    assert 'aria-invalid="true" aria-describedby="id_code_helptext id_code_error"' in page
    assert 'id="id_code_error"' in page and 'id="id_code_helptext"' in page
    assert 'autocomplete="one-time-code" inputmode="text"' in page
    assert f'value="{wrong}"' not in page  # the field comes back empty, for the next code
    assert client.get(INDEX).status_code == 302


def test_a_code_already_used_is_refused(client, settings, enrolled):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # this test is about the replay alone
    code = current_code(enrolled)
    sign_in_with_password(client)
    assert give_code(client, code).status_code == 302
    client.logout()

    sign_in_with_password(client)
    response = give_code(client, code)
    assert response.status_code == 200
    assert "déjà servi" in response.content.decode()
    assert client.get(INDEX).status_code == 302


def test_attempts_right_after_a_failure_are_held_back(client, settings, enrolled):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60  # one failure: a minute before the next attempt counts
    settings.OTP_STATIC_THROTTLE_FACTOR = 60
    sign_in_with_password(client)
    give_code(client, "000000" if current_code(enrolled) != "000000" else "111111")
    response = give_code(client, current_code(enrolled))  # even the right code waits
    assert response.status_code == 200
    assert "Trop d&#x27;essais manqués : patientez" in response.content.decode()
    assert client.get(INDEX).status_code == 302


def test_a_recovery_code_opens_the_admin_once(client, settings, admin_user, enrolled):
    settings.OTP_STATIC_THROTTLE_FACTOR = 0
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    recovery = StaticDevice.objects.create(user=admin_user, name="Codes de secours")
    recovery.token_set.create(token="abcd2345")
    sign_in_with_password(client)
    assert give_code(client, "ABCD 2345").status_code == 302  # typed in capitals, with a space
    assert client.get(INDEX).status_code == 200
    client.logout()

    sign_in_with_password(client)
    assert give_code(client, "abcd2345").status_code == 200
    assert client.get(INDEX).status_code == 302


def test_the_code_page_needs_the_password_first(client, enrolled):
    response = client.get(VERIFY)
    assert response.status_code == 302 and response.url.startswith(LOGIN)


def test_the_next_page_stays_on_this_site(client, enrolled):
    sign_in_with_password(client)
    response = give_code(client, current_code(enrolled), next_url="https://ailleurs.example/")
    assert response.url == INDEX


def test_the_login_does_not_pass_an_off_site_next_on(client, enrolled):
    response = sign_in_with_password(client, next_url="https://ailleurs.example/")
    assert response.status_code == 302
    assert "ailleurs.example" not in response.url
    assert response.url == VERIFY + "?" + urlencode({"next": INDEX})


def test_editors_need_no_second_factor_by_default(client):
    UserFactory(username="bob", password=PASSWORD, is_staff=True)
    response = sign_in_with_password(client, username="bob")
    assert response.url == INDEX


def test_the_setting_asks_editors_too(client, settings):
    settings.OTP_REQUIRED_FOR_EDITORS = True
    UserFactory(username="bob", password=PASSWORD, is_staff=True)
    response = sign_in_with_password(client, username="bob")
    assert response.url.startswith(VERIFY)
    assert client.get(INDEX).status_code == 302


def test_members_are_never_asked(client, member):
    client.post(reverse("directory:member-login"), {"username": "charlie", "password": PASSWORD})
    assert client.get(reverse("directory:member-space")).status_code == 200


def test_the_devices_are_named_in_french_on_the_admin_index(client, administrator, editor):
    client.force_login(administrator)
    page = client.get(INDEX).text
    assert "Double authentification : applications" in page and "Double authentification : codes de secours" in page
    assert "Otp_Totp" not in page
    client.force_login(editor)
    assert "Double authentification" not in client.get(INDEX).text  # editors cannot touch anyone's device
