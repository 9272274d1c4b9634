"""Logging test users in through two-factor login, honestly: a real authenticator device, real codes.

``verified_login`` is ``force_login`` plus django-otp's ``otp_login`` with the user's confirmed app, which
is what the code page does after a right code; ``code_for`` computes the code an authenticator app would
show (never one already used); ``login_through_pages`` goes through the login and code pages themselves.
"""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from luoshi.accounts import twofactor
from luoshi.testing.world import PASSWORD


def code_for(device: TOTPDevice) -> str:
    """The code the device's authenticator app shows now, or the next one if this one was used already."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    now = totp.t()
    step = max(now, device.last_t + 1)
    if step > now + device.tolerance:  # both codes of the window used: wait for the next step
        time.sleep(device.t0 + (step - device.tolerance) * device.step - time.time() + 0.05)
    totp.time = device.t0 + step * device.step
    return f"{totp.token():0{device.digits}d}"


def current_code(user: Any) -> str:
    device = twofactor.app_device(user) or twofactor.app_device(user, confirmed=False)
    assert device is not None, f"{user} has no authenticator device"
    return code_for(device)


def enrol(user: Any) -> TOTPDevice:
    """Enrol the user's authenticator app through the services, as the enrolment page does."""
    found = twofactor.app_device(user)
    if found is not None:
        return found
    device = twofactor.start_enrolment(user)
    confirmed, _codes = twofactor.confirm_enrolment(user, code_for(device))
    return confirmed


def verified_login(client: Client, user: Any) -> None:
    """Log ``user`` in; a user who needs two-factor login is enrolled and verified with their app."""
    client.force_login(user)
    if not twofactor.requires_two_factor(user):
        return
    device = enrol(user)
    request = HttpRequest()
    request.session = client.session
    request.user = user
    otp_login(request, device)
    request.session.save()


def login_through_pages(client: Client, username: str, password: str = PASSWORD, code: str | None = None) -> Any:
    """Password on the login page, then the code on the code page; returns the code page's answer."""
    client.post(reverse("accounts:login"), {"username": username, "password": password})
    account = get_user_model().objects.get(username=username)
    return client.post(reverse("accounts:two_factor"), {"code": code if code is not None else current_code(account)})
