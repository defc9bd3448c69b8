from django import template
from django.utils.translation import gettext_lazy as _

from helle.core.roles import ROLE_LABELS, Role

register = template.Library()

COUNTRY_NAMES = {
    "DK": _("Denmark"),
    "NO": _("Norway"),
    "SE": _("Sweden"),
    "FI": _("Finland"),
    "IS": _("Iceland"),
    "DE": _("Germany"),
    "NL": _("the Netherlands"),
    "GB": _("United Kingdom"),
    "IE": _("Ireland"),
    "FR": _("France"),
    "ES": _("Spain"),
    "IT": _("Italy"),
    "PL": _("Poland"),
    "EU": _("All of Europe"),
}


@register.filter
def country_name(code: str) -> str:
    name = COUNTRY_NAMES.get(code.upper())
    return str(name) if name else code


@register.filter
def role_label(name: str) -> str:
    """The translated name of a role, from its group name ("peer_adviser")."""
    try:
        return str(ROLE_LABELS[Role(name)])
    except ValueError:
        return name


@register.filter
def get_item(mapping, key):
    return mapping.get(key, key)


@register.filter
def slice_text(text: str, finding) -> str:
    """The part of `text` a finding points at."""
    return text[finding.start : finding.end]
