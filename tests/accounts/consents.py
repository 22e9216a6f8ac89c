"""Consent documents for tests: publish a set, and agree to it as a user."""

from apps.accounts import services
from apps.accounts.models import ConsentDocument, ConsentKind


def publish_documents(version: int = 1, kinds=None) -> dict[str, ConsentDocument]:
    documents = {}
    for kind in kinds or ConsentKind.values:
        document = ConsentDocument.objects.create(
            kind=kind,
            version=version,
            title=f"{ConsentKind(kind).label} v{version}",
            body=f"The {kind} text, version {version}.",
            translations={"de": {"title": f"{kind} (de) v{version}", "body": "Text."}},
        )
        documents[kind] = services.consent_document_publish(document=document)
    from django.core.cache import cache

    from apps.accounts.selectors import CURRENT_DOCUMENTS_CACHE_KEY

    cache.delete(CURRENT_DOCUMENTS_CACHE_KEY)  # on_commit never fires inside a test transaction
    return documents


def agree_to_all(user, *, marketing: bool = True) -> None:
    from apps.accounts.selectors import consent_documents_current

    decisions = {kind: True for kind in consent_documents_current()}
    if "marketing" in decisions:
        decisions["marketing"] = marketing
    services.consent_record(user=user, decisions=decisions)
