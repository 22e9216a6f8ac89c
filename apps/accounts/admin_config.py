"""Installed instead of django.contrib.admin so the admin site is Stride's (see admin_site)."""

from django.contrib.admin.apps import AdminConfig


class StrideAdminConfig(AdminConfig):
    default_site = "apps.accounts.admin_site.StrideAdminSite"
