"""The admin works under the same CSP: no inline code on any admin page of any registered model."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.security.test_templates_csp import inline_code_problems

pytestmark = pytest.mark.django_db


def admin_urls():
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        info = model._meta.app_label, model._meta.model_name
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        urls.append(reverse("admin:{}_{}_add".format(*info)))
        instance = model._default_manager.order_by("pk").first()
        if instance is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[instance.pk]))
    return urls


def test_admin_pages_contain_no_inline_code(client, administrator, populated_site):
    client.force_login(administrator)
    found = {}
    pages = 0
    for url in admin_urls():
        response = client.get(url)
        assert response.status_code in (200, 403), url  # 403: adding is disabled for some models
        if response.status_code == 200:
            pages += 1
            problems = inline_code_problems(response.content.decode())
            if problems:
                found[url] = problems
    assert pages > 10
    assert found == {}
